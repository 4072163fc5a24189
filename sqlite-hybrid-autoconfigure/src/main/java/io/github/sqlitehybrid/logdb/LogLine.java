package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.springframework.boot.json.JsonWriter;

/**
 * One log line as it waits for the writer: immutable, with everything taken from the event on the logging
 * thread, because an event's message arguments, MDC and key-value pairs may change once the logging call
 * has returned.
 *
 * @param timestamp when the line was logged, in milliseconds since the epoch
 * @param level its level
 * @param logger name of the logger
 * @param thread name of the thread that logged it
 * @param message the formatted message
 * @param stackTrace the throwable rendered as text, or {@code null}
 * @param data MDC and key-value pairs as JSON, or {@code null} when there are none
 */
record LogLine(
        long timestamp,
        Level level,
        String logger,
        String thread,
        String message,
        @Nullable String stackTrace,
        @Nullable String data) {

    private static final JsonWriter<Map<String, Object>> JSON = JsonWriter.standard();

    static LogLine of(ILoggingEvent event) {
        IThrowableProxy throwable = event.getThrowableProxy();
        return new LogLine(
                event.getTimeStamp(),
                level(event.getLevel()),
                String.valueOf(event.getLoggerName()),
                String.valueOf(event.getThreadName()),
                String.valueOf(event.getFormattedMessage()),
                (throwable != null) ? ThrowableProxyUtil.asString(throwable) : null,
                structuredData(event.getMDCPropertyMap(), event.getKeyValuePairs()));
    }

    static Level level(ch.qos.logback.classic.Level level) {
        return switch (level.toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT -> Level.ERROR;
            case ch.qos.logback.classic.Level.WARN_INT -> Level.WARN;
            case ch.qos.logback.classic.Level.INFO_INT -> Level.INFO;
            case ch.qos.logback.classic.Level.DEBUG_INT -> Level.DEBUG;
            default -> Level.TRACE;
        };
    }

    /**
     * The structured part of a line as one JSON object: {@code {"mdc":{...},"keyValues":{...}}}, each member
     * present only when it has entries. Key-value pairs keep numbers and booleans as JSON values; any other
     * value is written as its {@code toString()}; a key given twice keeps its last value.
     */
    static @Nullable String structuredData(
            @Nullable Map<String, String> mdc, @Nullable List<KeyValuePair> keyValuePairs) {
        Map<String, Object> data = new LinkedHashMap<>(4);
        if (mdc != null && !mdc.isEmpty()) {
            data.put("mdc", mdc);
        }
        if (keyValuePairs != null && !keyValuePairs.isEmpty()) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (KeyValuePair pair : keyValuePairs) {
                values.put(String.valueOf(pair.key), jsonValue(pair.value));
            }
            data.put("keyValues", values);
        }
        return data.isEmpty() ? null : JSON.writeToString(data);
    }

    private static @Nullable Object jsonValue(@Nullable Object value) {
        if (value == null || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger
                || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double number && Double.isFinite(number)) {
            return value;
        }
        if (value instanceof Float number && Float.isFinite(number)) {
            return value;
        }
        // NaN, infinities and other types have no JSON form of their own.
        return String.valueOf(value);
    }
}
