package io.github.sqlitehybrid.translation;

import java.lang.reflect.Method;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Dates and times between the application and one SQLite DataSource, in its {@link DateFormat}.
 *
 * <p>Reading: sqlite-jdbc parses text in the one pattern of its {@code date_string_format} property and fails
 * with "Error parsing date" on any other, such as the {@code 2010-03-04} of a SQL script or the
 * {@code 2013-01-01 12:30:00} of SQLite's {@code datetime()}. With {@link DateFormat#DRIVER}, a temporal getter
 * the driver fails on reads the column's text as ISO-8601 instead (a date, a date-time with a space or a
 * {@code T}, with or without fraction and offset, or a time), and warns once per column that the column holds
 * text while the application writes numbers, which SQLite orders apart. With {@link DateFormat#ISO_8601}, the
 * getters read text themselves and leave numbers to the driver. A text without an offset is taken in the
 * calendar's time zone when one is given, else the JVM's, as sqlite-jdbc takes it. One form the driver reads
 * wrongly rather than fails on is left to it: a date and time separated by a space and followed by an offset
 * ({@code 2024-05-06 09:08:09+02:00}), whose offset it ignores.
 *
 * <p>Writing: with {@link DateFormat#ISO_8601}, {@code setDate}, {@code setTimestamp}, {@code setTime} and
 * {@code setObject} of a temporal value bind its ISO-8601 text; with {@link DateFormat#DRIVER} they are left to the
 * driver.
 */
final class TemporalText {

    /** What a reader returns when it leaves the call to the driver. */
    static final Object UNHANDLED = new Object();

    private static final Log logger = LogFactory.getLog(TemporalText.class);

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final DateFormat format;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    TemporalText(DateFormat format) {
        this.format = format;
    }

    DateFormat format() {
        return this.format;
    }

    /** With {@link DateFormat#ISO_8601}, the text to bind instead of a temporal setter's value; else {@code null}. */
    @Nullable
    String bound(Method method, @Nullable Object[] args) {
        if (this.format != DateFormat.ISO_8601 || args == null || args.length < 2 || !(args[0] instanceof Integer)) {
            return null;
        }
        ZoneId zone = (args.length > 2 && args[2] instanceof Calendar calendar)
                ? calendar.getTimeZone().toZoneId()
                : ZoneId.systemDefault();
        return switch (method.getName()) {
            case "setDate", "setTimestamp", "setTime", "setObject" -> text(args[1], zone);
            default -> null;
        };
    }

    /** With {@link DateFormat#ISO_8601}, a temporal getter's value read from text; {@link #UNHANDLED} otherwise. */
    @Nullable
    Object read(ResultSet rs, Method method, @Nullable Object[] args) throws SQLException {
        if (this.format != DateFormat.ISO_8601 || args == null || args.length == 0 || !isTemporalRead(method, args)) {
            return UNHANDLED;
        }
        Object raw = (args[0] instanceof Integer index) ? rs.getObject(index) : rs.getObject((String) args[0]);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String text)) {
            warnOnce(
                    rs,
                    args,
                    "holds dates or times as numbers while the application writes ISO-8601 text"
                            + " (sqlite.hybrid.translation.date-format=iso-8601)");
            return UNHANDLED;
        }
        Object value = parse(text.strip());
        return (value != null) ? convert(value, targetType(method, args), zone(args)) : UNHANDLED;
    }

    /**
     * With {@link DateFormat#DRIVER}, after the driver failed: the column read again as the method asked, from its
     * text; {@code null} when the method is no temporal read or the text is no date or time.
     */
    @Nullable
    Object reread(ResultSet rs, Method method, @Nullable Object[] args) throws SQLException {
        if (args == null || args.length == 0 || !isTemporalRead(method, args)) {
            return null;
        }
        String text = (args[0] instanceof Integer index) ? rs.getString(index) : rs.getString((String) args[0]);
        Object value = (text != null) ? parse(text.strip()) : null;
        Object converted = (value != null) ? convert(value, targetType(method, args), zone(args)) : null;
        if (converted != null && this.format == DateFormat.DRIVER) {
            warnOnce(
                    rs,
                    args,
                    "holds dates or times as text (such as '" + text + "') while the application writes"
                            + " them as sqlite-jdbc does, as epoch milliseconds by default");
        }
        return converted;
    }

    private void warnOnce(ResultSet rs, Object[] args, String problem) {
        String column = columnOf(rs, args[0]);
        if (this.warned.add(column)) {
            logger.warn("Column " + column + " " + problem + ". SQLite orders and compares every number before every"
                    + " text, so sorting and range queries on a column that holds both go wrong. Store one format:"
                    + " sqlite.hybrid.translation.date-format=iso-8601 writes text, the format of SQL scripts and"
                    + " of SQLite's date functions; date-format=driver (the default) writes what sqlite-jdbc"
                    + " writes. Rewrite the rows in the other format once, then restart.");
        }
    }

    private static String columnOf(ResultSet rs, Object column) {
        try {
            int index = (column instanceof Integer i) ? i : rs.findColumn((String) column);
            ResultSetMetaData metadata = rs.getMetaData();
            String table = metadata.getTableName(index);
            return "'" + ((table != null && !table.isEmpty()) ? table + "." : "") + metadata.getColumnName(index) + "'";
        } catch (SQLException | RuntimeException ex) {
            return "'" + column + "'";
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

    private static Class<?> targetType(Method method, Object[] args) {
        return method.getName().equals("getObject") ? (Class<?>) args[1] : method.getReturnType();
    }

    private static ZoneId zone(Object[] args) {
        return (args.length > 1 && args[1] instanceof Calendar calendar)
                ? calendar.getTimeZone().toZoneId()
                : ZoneId.systemDefault();
    }

    /** The ISO-8601 text of a value bound to a temporal setter, or {@code null} when it is no date or time. */
    static @Nullable String text(@Nullable Object value, ZoneId zone) {
        if (value instanceof Timestamp timestamp) {
            return LocalDateTime.ofInstant(timestamp.toInstant(), zone).format(DATE_TIME);
        }
        if (value instanceof Date date) {
            return LocalDate.ofInstant(Instant.ofEpochMilli(date.getTime()), zone)
                    .toString();
        }
        if (value instanceof Time time) {
            return LocalTime.ofInstant(Instant.ofEpochMilli(time.getTime()), zone)
                    .format(TIME);
        }
        if (value instanceof java.util.Date date) {
            return LocalDateTime.ofInstant(date.toInstant(), zone).format(DATE_TIME);
        }
        if (value instanceof LocalDate date) {
            return date.toString();
        }
        if (value instanceof LocalDateTime dateTime) {
            return dateTime.format(DATE_TIME);
        }
        if (value instanceof LocalTime time) {
            return time.format(TIME);
        }
        Instant instant = (value instanceof Instant i)
                ? i
                : (value instanceof OffsetDateTime offset)
                        ? offset.toInstant()
                        : (value instanceof ZonedDateTime zoned) ? zoned.toInstant() : null;
        return (instant != null)
                ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(DATE_TIME) + "Z"
                : null;
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
        try {
            return Conversion.to(value, type, zone);
        } catch (DateTimeException ex) {
            return null;
        }
    }

    /** A parsed value as the type a getter returns. */
    private static final class Conversion {

        static @Nullable Object to(Object value, Class<?> type, ZoneId zone) {
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
}
