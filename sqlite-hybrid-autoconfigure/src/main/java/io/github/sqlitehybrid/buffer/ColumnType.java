package io.github.sqlitehybrid.buffer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a column of a strictly typed database (PostgreSQL) takes, from its JDBC type, and the one conversion the
 * buffer makes for it: between Java types that hold the same value, without loss, and never by parsing or
 * formatting text. A value that does not fit is refused at the call, with the table and column named, instead
 * of failing the flush.
 *
 * <p>SQLite columns are {@link #ANY}: values go to the driver as given, and SQLite applies the column's
 * affinity.
 */
enum ColumnType {

    /** SQLite: any value, as given. */
    ANY,
    SMALLINT,
    INTEGER,
    BIGINT,
    /** {@code real}: a double within float range. */
    REAL,
    DOUBLE,
    DECIMAL,
    BOOLEAN,
    TEXT,
    DATE,
    TIME,
    /** {@code timestamp} without time zone: a local date-time; an {@link Instant} is refused as ambiguous. */
    TIMESTAMP,
    /** {@code timestamptz}: an instant. */
    TIMESTAMP_WITH_TIME_ZONE,
    BINARY,
    /** Another type (uuid, json, arrays, enums, ...): the value goes to the driver's setObject as given. */
    OTHER;

    /**
     * The type of a column as JDBC metadata reports it.
     * @param jdbcType {@code DATA_TYPE} of {@code DatabaseMetaData.getColumns}
     * @param typeName {@code TYPE_NAME}: pgjdbc reports both timestamp types as {@link Types#TIMESTAMP}
     * @return the type
     */
    static ColumnType of(int jdbcType, @Nullable String typeName) {
        String name = (typeName != null) ? typeName.toLowerCase(Locale.ROOT) : "";
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT -> SMALLINT;
            case Types.INTEGER -> INTEGER;
            case Types.BIGINT -> BIGINT;
            case Types.REAL -> REAL;
            case Types.FLOAT, Types.DOUBLE -> DOUBLE;
            case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
            case Types.BOOLEAN, Types.BIT -> (name.equals("bit") || name.equals("varbit")) ? OTHER : BOOLEAN;
            case Types.CHAR,
                    Types.VARCHAR,
                    Types.LONGVARCHAR,
                    Types.NCHAR,
                    Types.NVARCHAR,
                    Types.LONGNVARCHAR,
                    Types.CLOB,
                    Types.NCLOB -> TEXT;
            case Types.DATE -> DATE;
            case Types.TIME -> TIME;
            case Types.TIMESTAMP -> name.equals("timestamptz") ? TIMESTAMP_WITH_TIME_ZONE : TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_WITH_TIME_ZONE;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
            default -> OTHER;
        };
    }

    /**
     * The value as it is bound for a column of this type.
     * @param value a non-null value a caller gave
     * @param maxLength for {@link #TEXT}, the most characters the column takes, or 0 for no limit
     * @return the value to bind
     * @throws IllegalArgumentException with the reason (without table and column, which the caller adds)
     */
    Object convert(Object value, int maxLength) {
        return switch (this) {
            case ANY, OTHER -> value;
            // As Integer where the column holds 4 bytes or fewer, as Long for 8: what the driver reads back.
            case SMALLINT -> (int) whole(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case INTEGER -> (int) whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT -> whole(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case REAL -> {
                double number = floating(value);
                if (Double.isFinite(number) && Math.abs(number) > Float.MAX_VALUE) {
                    throw new IllegalArgumentException("out of range for a real (4-byte float)");
                }
                yield number;
            }
            case DOUBLE -> floating(value);
            case DECIMAL -> decimal(value);
            case BOOLEAN -> {
                if (value instanceof Boolean) {
                    yield value;
                }
                throw refused(value, "a Boolean");
            }
            case TEXT -> {
                String text = (value instanceof Character character) ? character.toString() : null;
                if (value instanceof String string) {
                    text = string;
                }
                if (text == null) {
                    throw refused(value, "a String (the buffer does not turn other values into text)");
                }
                if (maxLength > 0 && text.codePointCount(0, text.length()) > maxLength) {
                    throw new IllegalArgumentException("longer than the column's " + maxLength + " characters");
                }
                yield text;
            }
            case DATE -> {
                if (value instanceof LocalDate) {
                    yield value;
                }
                if (value instanceof java.sql.Date date) {
                    yield date.toLocalDate();
                }
                throw refused(value, "a LocalDate or java.sql.Date");
            }
            case TIME -> {
                if (value instanceof LocalTime) {
                    yield value;
                }
                if (value instanceof java.sql.Time time) {
                    yield time.toLocalTime();
                }
                throw refused(value, "a LocalTime or java.sql.Time");
            }
            case TIMESTAMP -> {
                if (value instanceof LocalDateTime) {
                    yield value;
                }
                if (value instanceof java.sql.Timestamp timestamp) {
                    yield timestamp.toLocalDateTime();
                }
                throw refused(
                        value,
                        "a LocalDateTime or java.sql.Timestamp (a timestamp without time zone does not say which"
                                + " zone an Instant would be read in; use timestamptz for instants)");
            }
            case TIMESTAMP_WITH_TIME_ZONE -> {
                if (value instanceof OffsetDateTime) {
                    yield value;
                }
                if (value instanceof Instant instant) {
                    // pgjdbc's setObject takes no Instant; the same instant at UTC it does.
                    yield instant.atOffset(ZoneOffset.UTC);
                }
                if (value instanceof ZonedDateTime zoned) {
                    yield zoned.toOffsetDateTime();
                }
                if (value instanceof java.sql.Timestamp timestamp) {
                    yield timestamp.toInstant().atOffset(ZoneOffset.UTC);
                }
                throw refused(value, "an Instant, OffsetDateTime, ZonedDateTime or java.sql.Timestamp");
            }
            case BINARY -> {
                if (value instanceof byte[]) {
                    yield value;
                }
                throw refused(value, "a byte[]");
            }
        };
    }

    /**
     * The value as the column compares it in a unique key: two converted values that the database holds equal
     * give equal results.
     * @param converted a value returned by {@link #convert}
     * @return the value to compare
     */
    static Object keyValue(Object converted) {
        if (converted instanceof BigDecimal decimal) {
            return (decimal.signum() == 0) ? BigDecimal.ZERO : decimal.stripTrailingZeros();
        }
        if (converted instanceof Double number) {
            // The database holds 0.0 and -0.0 equal.
            return number + 0.0;
        }
        if (converted instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (converted instanceof byte[] bytes) {
            return ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length));
        }
        return converted;
    }

    /** How the type reads in messages. */
    String describe() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static long whole(Object value, long min, long max) {
        long number;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof Boolean bool) {
            // SQLite stores booleans as 1 and 0; an integer column keeps doing so.
            number = bool ? 1 : 0;
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() > 63) {
                throw new IllegalArgumentException("out of range for the column's integer type");
            }
            number = big.longValue();
        } else if (value instanceof BigDecimal decimal) {
            try {
                number = decimal.longValueExact();
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException("not a whole number within range");
            }
        } else {
            throw refused(value, "a whole number (Long, Integer, Short, Byte, BigInteger, BigDecimal) or a Boolean");
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException("out of range for the column's integer type [" + min + ", " + max + "]");
        }
        return number;
    }

    private static double floating(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw refused(value, "a number");
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("not a finite number");
            }
            return BigDecimal.valueOf(number);
        }
        throw refused(value, "a number");
    }

    private static IllegalArgumentException refused(Object value, String expected) {
        return new IllegalArgumentException("a " + value.getClass().getName() + " where the column takes " + expected);
    }
}
