package io.github.sqlitehybrid.data.jdbc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;

/**
 * The converters of {@link SqliteDialect}: {@code java.time} values to and from fixed-width ISO-8601 text (the
 * format is described there), and SQLite's integers to booleans.
 */
final class SqliteConverters {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS", Locale.ROOT);

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS", Locale.ROOT);

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    // What SQLite's functions write too: a 'T' or a space, seconds and fraction optional, an offset for instants.
    private static final DateTimeFormatter LOCAL_READER = reader(false);

    private static final DateTimeFormatter INSTANT_READER = reader(true);

    private static final List<Object> ALL = List.of(
            LocalDateToText.INSTANCE,
            TextToLocalDate.INSTANCE,
            LocalTimeToText.INSTANCE,
            TextToLocalTime.INSTANCE,
            LocalDateTimeToText.INSTANCE,
            TextToLocalDateTime.INSTANCE,
            InstantToText.INSTANCE,
            TextToInstant.INSTANCE,
            NumberToBoolean.INSTANCE);

    private SqliteConverters() {}

    static List<Object> all() {
        return ALL;
    }

    private static DateTimeFormatter reader(boolean offset) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .append(DateTimeFormatter.ISO_LOCAL_DATE)
                .optionalStart()
                .appendPattern("[ ]['T']")
                .append(DateTimeFormatter.ISO_LOCAL_TIME)
                .optionalEnd();
        if (offset) {
            builder.optionalStart().appendOffsetId().optionalEnd();
        }
        return builder.toFormatter(Locale.ROOT)
                .withChronology(IsoChronology.INSTANCE)
                .withResolverStyle(ResolverStyle.STRICT);
    }

    private static LocalDateTime localDateTime(TemporalAccessor parsed) {
        LocalDate date = LocalDate.from(parsed);
        return parsed.isSupported(ChronoField.NANO_OF_DAY) ? date.atTime(LocalTime.from(parsed)) : date.atStartOfDay();
    }

    @WritingConverter
    enum LocalDateToText implements Converter<LocalDate, String> {
        INSTANCE;

        @Override
        public String convert(LocalDate source) {
            return DateTimeFormatter.ISO_LOCAL_DATE.format(source);
        }
    }

    @ReadingConverter
    enum TextToLocalDate implements Converter<String, LocalDate> {
        INSTANCE;

        @Override
        public LocalDate convert(String source) {
            return LocalDate.parse(source, DateTimeFormatter.ISO_LOCAL_DATE);
        }
    }

    @WritingConverter
    enum LocalTimeToText implements Converter<LocalTime, String> {
        INSTANCE;

        @Override
        public String convert(LocalTime source) {
            return TIME.format(source);
        }
    }

    @ReadingConverter
    enum TextToLocalTime implements Converter<String, LocalTime> {
        INSTANCE;

        @Override
        public LocalTime convert(String source) {
            return LocalTime.parse(source, DateTimeFormatter.ISO_LOCAL_TIME);
        }
    }

    @WritingConverter
    enum LocalDateTimeToText implements Converter<LocalDateTime, String> {
        INSTANCE;

        @Override
        public String convert(LocalDateTime source) {
            return DATE_TIME.format(source);
        }
    }

    @ReadingConverter
    enum TextToLocalDateTime implements Converter<String, LocalDateTime> {
        INSTANCE;

        @Override
        public LocalDateTime convert(String source) {
            return localDateTime(LOCAL_READER.parse(source));
        }
    }

    @WritingConverter
    enum InstantToText implements Converter<Instant, String> {
        INSTANCE;

        @Override
        public String convert(Instant source) {
            return INSTANT.format(source);
        }
    }

    @ReadingConverter
    enum TextToInstant implements Converter<String, Instant> {
        INSTANCE;

        @Override
        public Instant convert(String source) {
            TemporalAccessor parsed = INSTANT_READER.parse(source);
            ZoneOffset offset =
                    parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
            return localDateTime(parsed).toInstant(offset);
        }
    }

    // sqlite-jdbc writes a boolean as 1 or 0 and reads any integer back as an Integer or a Long.
    @ReadingConverter
    enum NumberToBoolean implements Converter<Number, Boolean> {
        INSTANCE;

        @Override
        public Boolean convert(Number source) {
            return source.longValue() != 0;
        }
    }
}
