package io.github.sqlitehybrid.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import io.github.sqlitehybrid.data.jdbc.SqliteConverters.InstantToText;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.LocalDateTimeToText;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.LocalDateToText;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.LocalTimeToText;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.TextToInstant;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.TextToLocalDate;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.TextToLocalDateTime;
import io.github.sqlitehybrid.data.jdbc.SqliteConverters.TextToLocalTime;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The text the dialect stores dates and times as: of one width, ordered as the values are, read back equal, read
 * by SQLite's date and time functions, and able to read what those functions write.
 */
class SqliteConvertersTests {

    // Years 0000 to 9999, what SQLite's functions cover; a third of the values on a whole second.
    private static final long FIRST_SECOND = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    private static final long LAST_SECOND =
            LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void instantsAreTextOfOneWidthOrderedAsTheValuesAndReadBackEqual() {
        assertOrderedAndReadBack(instants(), InstantToText.INSTANCE::convert, TextToInstant.INSTANCE::convert);
    }

    @Test
    void localDateTimesAreTextOfOneWidthOrderedAsTheValuesAndReadBackEqual() {
        List<LocalDateTime> values = instants().stream()
                .map((instant) -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC))
                .toList();
        assertOrderedAndReadBack(values, LocalDateTimeToText.INSTANCE::convert, TextToLocalDateTime.INSTANCE::convert);
    }

    @Test
    void localDatesAndTimesAreTextOfOneWidthOrderedAsTheValuesAndReadBackEqual() {
        List<LocalDateTime> values = instants().stream()
                .map((instant) -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC))
                .toList();
        assertOrderedAndReadBack(
                values.stream().map(LocalDateTime::toLocalDate).toList(),
                LocalDateToText.INSTANCE::convert,
                TextToLocalDate.INSTANCE::convert);
        assertOrderedAndReadBack(
                values.stream().map(LocalDateTime::toLocalTime).toList(),
                LocalTimeToText.INSTANCE::convert,
                TextToLocalTime.INSTANCE::convert);
    }

    @Test
    void sqlitesDateFunctionsReadTheText() {
        JdbcTemplate jdbc = sqlite();
        for (Instant instant : instants().subList(0, 200)) {
            LocalDateTime local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
            assertThat(sqliteMillis(jdbc, LocalDateTimeToText.INSTANCE.convert(local)))
                    .isCloseTo(local, within(1, ChronoUnit.MILLIS));
            assertThat(sqliteMillis(jdbc, InstantToText.INSTANCE.convert(instant)))
                    .isCloseTo(local, within(1, ChronoUnit.MILLIS));
            assertThat(jdbc.queryForObject(
                            "SELECT date(?)", String.class, LocalDateToText.INSTANCE.convert(local.toLocalDate())))
                    .isEqualTo(local.toLocalDate().toString());
            assertThat(jdbc.queryForObject(
                            "SELECT time(?)", String.class, LocalTimeToText.INSTANCE.convert(local.toLocalTime())))
                    .isEqualTo(DateTimeFormatter.ofPattern("HH:mm:ss").format(local));
        }
    }

    @Test
    void readsWhatSqlitesDateFunctionsWrite() {
        JdbcTemplate jdbc = sqlite();
        for (Instant instant : instants().subList(0, 200)) {
            long second = instant.getEpochSecond();
            Instant whole = Instant.ofEpochSecond(second);
            LocalDateTime local = LocalDateTime.ofInstant(whole, ZoneOffset.UTC);
            assertThat(TextToInstant.INSTANCE.convert(sqliteText(jdbc, "datetime(?, 'unixepoch')", second)))
                    .isEqualTo(whole);
            assertThat(TextToInstant.INSTANCE.convert(
                            sqliteText(jdbc, "strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch')", second)))
                    .isEqualTo(whole);
            assertThat(TextToInstant.INSTANCE.convert(sqliteText(jdbc, "datetime(?, 'unixepoch') || '+02:00'", second)))
                    .isEqualTo(whole.minus(2, ChronoUnit.HOURS));
            assertThat(TextToLocalDateTime.INSTANCE.convert(sqliteText(jdbc, "datetime(?, 'unixepoch')", second)))
                    .isEqualTo(local);
            assertThat(TextToLocalDateTime.INSTANCE.convert(sqliteText(jdbc, "date(?, 'unixepoch')", second)))
                    .isEqualTo(local.toLocalDate().atStartOfDay());
            assertThat(TextToLocalDate.INSTANCE.convert(sqliteText(jdbc, "date(?, 'unixepoch')", second)))
                    .isEqualTo(local.toLocalDate());
            assertThat(TextToLocalTime.INSTANCE.convert(sqliteText(jdbc, "time(?, 'unixepoch')", second)))
                    .isEqualTo(local.toLocalTime());
        }
    }

    @Test
    void aLocalDateTimeWithAnOffsetIsNotReadAsIfItHadNone() {
        String withOffset = InstantToText.INSTANCE.convert(instants().get(0));
        assertThatExceptionOfType(DateTimeParseException.class)
                .isThrownBy(() -> TextToLocalDateTime.INSTANCE.convert(withOffset));
    }

    private static <T extends Comparable<? super T>> void assertOrderedAndReadBack(
            List<T> values, Function<T, String> write, Function<String, T> read) {
        List<String> texts = values.stream().map(write).toList();
        assertThat(texts).extracting(String::length).containsOnly(texts.get(0).length());
        assertThat(texts.stream().map(read).toList()).isEqualTo(values);
        assertThat(values.stream().sorted().map(write).toList())
                .isEqualTo(texts.stream().sorted().toList());
    }

    private static List<Instant> instants() {
        Random random = new Random(20260301);
        List<Instant> instants = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long second = FIRST_SECOND + (long) (random.nextDouble() * (LAST_SECOND - FIRST_SECOND));
            long nanos = switch (i % 3) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000L;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nanos));
        }
        // Neighbours a fraction of a second apart, where a text of varying width sorts wrongly.
        Instant last = instants.get(instants.size() - 1).truncatedTo(ChronoUnit.SECONDS);
        instants.add(last.plusMillis(1));
        instants.add(last);
        return instants;
    }

    // SQLite reads dates and times to the millisecond, and rounds.
    private static LocalDateTime sqliteMillis(JdbcTemplate jdbc, String text) {
        String millis = jdbc.queryForObject("SELECT strftime('%Y-%m-%d %H:%M:%f', ?)", String.class, text);
        return LocalDateTime.parse(millis, DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS"));
    }

    private static String sqliteText(JdbcTemplate jdbc, String expression, long epochSecond) {
        return jdbc.queryForObject("SELECT " + expression, String.class, epochSecond);
    }

    private JdbcTemplate sqlite() {
        return new JdbcTemplate(new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("dates.db")));
    }
}
