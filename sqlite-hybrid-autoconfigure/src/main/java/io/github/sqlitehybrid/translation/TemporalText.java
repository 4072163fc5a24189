package io.github.sqlitehybrid.translation;

import java.lang.reflect.Method;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import org.jspecify.annotations.Nullable;

/**
 * Reads the date and time texts that SQL scripts, SQLite's own date functions and other tools write
 * ({@code 2010-03-04}, {@code 2013-01-01 12:30:00}, {@code 2024-05-06T07:08:09.123Z}), which sqlite-jdbc parses in
 * the one pattern of its {@code date_string_format} property only, failing with "Error parsing date" otherwise.
 *
 * <p>Used only after the driver has failed: values it reads (the epoch milliseconds it writes by default, or text
 * in its pattern) are read as before, and nothing about how values are written changes, so a file's existing rows
 * keep one format. A text without an offset is taken in the calendar's time zone when one is given, else the JVM's,
 * as sqlite-jdbc takes it. One form the driver reads wrongly rather than fails on is left to it: a date and time
 * separated by a space and followed by an offset ({@code 2024-05-06 09:08:09+02:00}), whose offset it ignores.
 */
final class TemporalText {

    private TemporalText() {}

    /**
     * Read the column again as the method asked, from its text.
     * @return the value, or {@code null} when the method is no temporal read or the text is no date or time
     */
    static @Nullable Object reread(ResultSet rs, Method method, @Nullable Object[] args) throws SQLException {
        if (args == null || args.length == 0 || !isTemporalRead(method, args)) {
            return null;
        }
        String text = (args[0] instanceof Integer index) ? rs.getString(index) : rs.getString((String) args[0]);
        Object value = (text != null) ? parse(text.strip()) : null;
        if (value == null) {
            return null;
        }
        ZoneId zone = (args.length > 1 && args[1] instanceof Calendar calendar)
                ? calendar.getTimeZone().toZoneId()
                : ZoneId.systemDefault();
        try {
            return convert(
                    value, method.getName().equals("getObject") ? (Class<?>) args[1] : method.getReturnType(), zone);
        } catch (DateTimeException ex) {
            return null;
        }
    }

    private static boolean isTemporalRead(Method method, Object[] args) {
        return switch (method.getName()) {
            case "getDate", "getTimestamp", "getTime" -> true;
            case "getObject" -> args.length == 2 && args[1] instanceof Class<?> type && isTemporal(type);
            default -> false;
        };
    }

    private static boolean isTemporal(Class<?> type) {
        return type == LocalDate.class
                || type == LocalDateTime.class
                || type == LocalTime.class
                || type == Instant.class
                || type == OffsetDateTime.class;
    }

    /** A {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime} or {@code LocalTime}, or {@code null}. */
    static @Nullable Object parse(String text) {
        try {
            if (text.length() >= 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
                if (text.length() == 10) {
                    return LocalDate.parse(text);
                }
                String iso = text.substring(0, 10) + 'T' + text.substring(11);
                return hasOffset(iso)
                        ? OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        : LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            }
            return (text.length() >= 5 && text.charAt(2) == ':') ? LocalTime.parse(text) : null;
        } catch (DateTimeException ex) {
            return null;
        }
    }

    private static boolean hasOffset(String iso) {
        int time = iso.indexOf('T');
        return iso.endsWith("Z") || iso.indexOf('+', time) > 0 || iso.indexOf('-', time) > 0;
    }

    private static @Nullable Object convert(Object value, Class<?> type, ZoneId zone) {
        Instant instant = instant(value, zone);
        if (type == Date.class) {
            return (instant != null)
                    ? new Date(localDate(value, zone)
                            .atStartOfDay(zone)
                            .toInstant()
                            .toEpochMilli())
                    : null;
        }
        if (type == Timestamp.class) {
            return (instant != null) ? Timestamp.from(instant) : null;
        }
        if (type == Time.class || type == LocalTime.class) {
            LocalTime time = (value instanceof LocalTime local)
                    ? local
                    : (instant != null) ? instant.atZone(zone).toLocalTime() : null;
            return (time == null) ? null : (type == Time.class) ? Time.valueOf(time) : time;
        }
        if (instant == null) {
            return null;
        }
        if (type == LocalDate.class) {
            return localDate(value, zone);
        }
        if (type == LocalDateTime.class) {
            return (value instanceof OffsetDateTime offset)
                    ? LocalDateTime.ofInstant(offset.toInstant(), zone)
                    : local(value);
        }
        if (type == Instant.class) {
            return instant;
        }
        return (value instanceof OffsetDateTime offset) ? offset : instant.atOffset(ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(Object value, ZoneId zone) {
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        LocalDateTime local = local(value);
        return (local != null) ? local.atZone(zone).toInstant() : null;
    }

    private static @Nullable LocalDateTime local(Object value) {
        if (value instanceof LocalDate date) {
            return date.atStartOfDay();
        }
        return (value instanceof LocalDateTime dateTime) ? dateTime : null;
    }

    private static LocalDate localDate(Object value, ZoneId zone) {
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof OffsetDateTime offset) {
            return LocalDate.ofInstant(offset.toInstant(), zone);
        }
        return ((LocalDateTime) value).toLocalDate();
    }
}
