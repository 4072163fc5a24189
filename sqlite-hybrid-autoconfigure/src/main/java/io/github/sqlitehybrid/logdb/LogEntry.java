package io.github.sqlitehybrid.logdb;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * A log line as stored in the log database.
 *
 * @param id row id; a later line written has a larger id
 * @param timestamp when the line was logged, to the millisecond
 * @param level its level
 * @param logger name of the logger
 * @param thread name of the thread that logged it
 * @param message the formatted message
 * @param stackTrace the throwable logged with the line, rendered as text, or {@code null}
 * @param structuredData the MDC and SLF4J key-value pairs as a JSON object
 * ({@code {"mdc":{...},"keyValues":{...}}}), or {@code null} when the line had none
 *
 * @since 0.1.0
 */
public record LogEntry(
        long id,
        Instant timestamp,
        Level level,
        String logger,
        String thread,
        String message,
        @Nullable String stackTrace,
        @Nullable String structuredData) {}
