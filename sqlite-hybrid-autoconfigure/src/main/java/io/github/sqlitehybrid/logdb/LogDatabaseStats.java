package io.github.sqlitehybrid.logdb;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the log database has done since it was created. Counts are of lines; {@code logged + pending +
 * dropped + failed} is every line that reached the log database's appender at or above its minimum level
 * (lines logged on the writer thread itself are left out, so that they cannot feed their own queue).
 *
 * @param path absolute path of the database file, or {@code null} for an in-memory database
 * @param logged lines written to the database
 * @param pending lines accepted and waiting to be written
 * @param dropped lines refused because the queue was full
 * @param failed lines accepted but given up after the database refused them
 * @param lastWrite when a batch was last committed, or {@code null} before the first one
 * @param fileSizeBytes size of the database file, 0 for an in-memory database
 * @param walSizeBytes size of its write-ahead log file, 0 when there is none
 * @param lastError the last write or clean-up error, or {@code null} when there was none
 *
 * @since 0.1.0
 */
public record LogDatabaseStats(
        @Nullable String path,
        long logged,
        long pending,
        long dropped,
        long failed,
        @Nullable Instant lastWrite,
        long fileSizeBytes,
        long walSizeBytes,
        @Nullable String lastError) {}
