package io.github.sqlitehybrid.buffer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Figures of a {@link WriteBuffer} at one moment.
 *
 * @param pending rows waiting to be written, after coalescing
 * @param pendingByTable pending rows per table, by the table's name in the schema, sorted
 * @param buffered write calls accepted since start
 * @param coalesced accepted calls that merged into a row already pending instead of adding one
 * @param flushed rows written by flushes, one per pending row however many calls it merged
 * @param failed flush transactions that failed as a whole (lock errors outlasting the retries, disk full, I/O
 *     errors); their rows stayed pending
 * @param flushes flushes that had rows to write
 * @param lastFlushTime when the last flush with rows to write ended, {@code null} before the first
 * @param lastFlushDuration how long the last flush with rows to write took, {@code null} before the first
 * @param lastFlushError message of the last failed flush transaction, {@code null} when none failed or a flush
 *     has committed since
 * @param totalFlushTime time spent in flushes with rows to write since start
 * @param deadLetters rows the database refused since start
 * @param recentDeadLetters the most recent refused rows, oldest first, at most {@code dead-letter-capacity}
 *
 * @since 0.1.0
 */
public record WriteBufferStats(
        int pending,
        Map<String, Integer> pendingByTable,
        long buffered,
        long coalesced,
        long flushed,
        long failed,
        long flushes,
        @Nullable Instant lastFlushTime,
        @Nullable Duration lastFlushDuration,
        @Nullable String lastFlushError,
        Duration totalFlushTime,
        long deadLetters,
        List<DeadLetter> recentDeadLetters) {

    /**
     * A pending row that the database refused (a constraint, a type), taken out of the buffer so the rest of
     * its batch could commit.
     *
     * @param time when it was refused
     * @param table the table, by its name in the schema
     * @param operation what the pending row would have done: {@code insert}, {@code upsert}, {@code update},
     *     {@code delete} or {@code delete-then-insert} (a delete followed by an upsert)
     * @param key the key columns and values; empty for an {@code insert}
     * @param values the other columns and the values the row would have been given
     * @param error the database's message
     */
    public record DeadLetter(
            Instant time,
            String table,
            String operation,
            Map<String, Object> key,
            Map<String, @Nullable Object> values,
            String error) {}
}
