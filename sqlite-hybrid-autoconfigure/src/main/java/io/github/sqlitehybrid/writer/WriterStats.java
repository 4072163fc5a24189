package io.github.sqlitehybrid.writer;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The figures of the single writer's {@link WriteTurn} at one moment, since the turn was created: the
 * {@code writer} section of {@code /actuator/dblocks}, and what the {@code sqlite.hybrid.writer.*} counters and
 * gauges read.
 *
 * @param acquisitions times the turn was taken
 * @param waiting threads waiting now
 * @param timeouts waits that ran out
 * @param longTransactions holds longer than the long-transaction threshold
 * @param avgWaitMs mean wait for the turn, in milliseconds
 * @param maxWaitMs longest wait for the turn, in milliseconds
 * @param avgHoldMs mean time the turn was held, in milliseconds
 * @param maxHoldMs longest time the turn was held, in milliseconds
 * @param holder who holds it now, {@code null} when free
 * @param locks times a holder asked SQLite for its write lock ({@code BEGIN IMMEDIATE})
 * @param lockFailures of those, the ones that failed (another process held the lock past {@code busy_timeout})
 * @param totalLockWaitMs time spent getting SQLite's write lock, in milliseconds
 * @param avgLockWaitMs mean time to get SQLite's write lock, in milliseconds
 * @param maxLockWaitMs longest time to get (or fail to get) SQLite's write lock, in milliseconds
 * @param longReadTransactions reads that kept their snapshot longer than
 *     {@code sqlite.hybrid.writer.long-read-threshold}, once they ended: read-only transactions, and reads outside
 *     one that left a result set open
 * @param longReads the reads open now for longer than {@code sqlite.hybrid.writer.long-read-threshold}, oldest
 *     first: each keeps SQLite from checkpointing the WAL past its snapshot
 * @param coalescing the COMMITs that write transactions shared ({@code sqlite.hybrid.writer.coalescing})
 * @since 0.1.0
 */
@SuppressWarnings("deprecation")
public record WriterStats(
        long acquisitions,
        int waiting,
        long timeouts,
        long longTransactions,
        double avgWaitMs,
        double maxWaitMs,
        double avgHoldMs,
        double maxHoldMs,
        @Nullable String holder,
        long locks,
        long lockFailures,
        double totalLockWaitMs,
        double avgLockWaitMs,
        double maxLockWaitMs,
        long longReadTransactions,
        List<LongRead> longReads,
        Coalescing coalescing)
        implements WriteTurn.Stats {

    /**
     * The COMMITs the single writer issued for write transactions that queued for the turn and shared one.
     *
     * @param commits COMMITs issued for one or more transactions
     * @param transactions transactions those COMMITs committed
     * @param avgTransactionsPerCommit {@code transactions / commits}
     * @param avgCommitWaitMs mean time a transaction's commit waited, from its end to the COMMIT that included it
     * @param maxCommitWaitMs longest such wait
     * @since 0.1.0
     */
    public record Coalescing(
            long commits,
            long transactions,
            double avgTransactionsPerCommit,
            double avgCommitWaitMs,
            double maxCommitWaitMs) {}

    /**
     * A read open now for longer than the long-read threshold: a read-only transaction, or a read outside a
     * transaction whose result set is still open.
     *
     * @param name the transaction's name (its method, as Spring names it), or what the read is
     * @param thread the thread that began it
     * @param openMs how long it has been open, in milliseconds
     * @since 0.1.0
     */
    public record LongRead(String name, String thread, double openMs) {}
}
