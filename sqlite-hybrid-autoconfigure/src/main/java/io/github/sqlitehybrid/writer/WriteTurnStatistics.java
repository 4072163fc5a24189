package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.WriteTurn.Holder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The figures of one {@link WriteTurn}, kept apart from the lock, which only tells it what happened; and the
 * warning when a transaction holds the turn past {@code sqlite.hybrid.writer.long-transaction-threshold}. Each
 * figure is a lock-free adder, so that recording never makes a thread wait.
 */
final class WriteTurnStatistics {

    private static final Log logger = LogFactory.getLog(WriteTurn.class);

    private final String database;

    private final Duration longTransactionThreshold;

    private final List<WriteTurnListener> listeners = new CopyOnWriteArrayList<>();

    private final LongAdder acquisitions = new LongAdder();

    private final LongAdder timeouts = new LongAdder();

    private final LongAdder longTransactions = new LongAdder();

    private final LongAdder longReads = new LongAdder();

    private final LongAdder waitNanos = new LongAdder();

    private final LongAccumulator maxWaitNanos = new LongAccumulator(Math::max, 0);

    private final LongAdder holdNanos = new LongAdder();

    private final LongAccumulator maxHoldNanos = new LongAccumulator(Math::max, 0);

    private final LongAdder locks = new LongAdder();

    private final LongAdder lockFailures = new LongAdder();

    private final LongAdder lockNanos = new LongAdder();

    private final LongAccumulator maxLockNanos = new LongAccumulator(Math::max, 0);

    private final LongAdder coalescedCommits = new LongAdder();

    private final LongAdder coalescedTransactions = new LongAdder();

    private final LongAdder commitWaits = new LongAdder();

    private final LongAdder commitWaitNanos = new LongAdder();

    private final LongAccumulator maxCommitWaitNanos = new LongAccumulator(Math::max, 0);

    WriteTurnStatistics(String database, Duration longTransactionThreshold) {
        this.database = database;
        this.longTransactionThreshold = longTransactionThreshold;
    }

    void addListener(WriteTurnListener listener) {
        this.listeners.add(listener);
    }

    void acquired(long waited) {
        this.acquisitions.increment();
        this.waitNanos.add(waited);
        this.maxWaitNanos.accumulate(waited);
        for (WriteTurnListener listener : this.listeners) {
            listener.onAcquired(waited);
        }
    }

    void timedOut() {
        this.timeouts.increment();
    }

    void released(Holder released, long held) {
        this.holdNanos.add(held);
        this.maxHoldNanos.accumulate(held);
        for (WriteTurnListener listener : this.listeners) {
            listener.onReleased(held);
        }
        if (held > this.longTransactionThreshold.toNanos()) {
            this.longTransactions.increment();
            logger.warn("The write turn of " + this.database + " was held for " + TimeUnit.NANOSECONDS.toMillis(held)
                    + " ms by " + released.work() + " on thread '"
                    + released.thread().getName()
                    + "' (sqlite.hybrid.writer.long-transaction-threshold is "
                    + this.longTransactionThreshold.toMillis() + " ms); every other writer waited meanwhile");
        }
    }

    void locked(long nanos, boolean acquired) {
        this.locks.increment();
        if (!acquired) {
            this.lockFailures.increment();
        }
        this.lockNanos.add(nanos);
        this.maxLockNanos.accumulate(nanos);
        for (WriteTurnListener listener : this.listeners) {
            listener.onLock(nanos, acquired);
        }
    }

    /** A read ended after holding its snapshot for {@code nanos}, past {@code threshold}. */
    void longRead(String name, String thread, long nanos, Duration threshold) {
        this.longReads.increment();
        logger.warn("A read of " + this.database + " kept its snapshot for "
                + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms: " + name + " on thread '" + thread
                + "' (sqlite.hybrid.writer.long-read-threshold is " + threshold.toMillis()
                + " ms); SQLite could not checkpoint the WAL past it meanwhile, so the WAL grew");
    }

    void coalescedCommit(int transactions) {
        this.coalescedCommits.increment();
        this.coalescedTransactions.add(transactions);
        for (WriteTurnListener listener : this.listeners) {
            listener.onCoalescedCommit(transactions);
        }
    }

    void commitWaited(long nanos) {
        this.commitWaits.increment();
        this.commitWaitNanos.add(nanos);
        this.maxCommitWaitNanos.accumulate(nanos);
        for (WriteTurnListener listener : this.listeners) {
            listener.onCommitWait(nanos);
        }
    }

    private WriterStats.Coalescing coalescing() {
        long commits = this.coalescedCommits.sum();
        long transactions = this.coalescedTransactions.sum();
        long waits = this.commitWaits.sum();
        return new WriterStats.Coalescing(
                commits,
                transactions,
                (commits > 0) ? (double) transactions / commits : 0.0,
                (waits > 0) ? this.commitWaitNanos.sum() / 1e6 / waits : 0.0,
                this.maxCommitWaitNanos.get() / 1e6);
    }

    WriterStats snapshot(int waiting, @Nullable Holder holder, List<WriterStats.LongRead> longReads) {
        long count = this.acquisitions.sum();
        long lockCount = this.locks.sum();
        double lockMs = this.lockNanos.sum() / 1e6;
        return new WriterStats(
                count,
                waiting,
                this.timeouts.sum(),
                this.longTransactions.sum(),
                (count > 0) ? this.waitNanos.sum() / 1e6 / count : 0.0,
                this.maxWaitNanos.get() / 1e6,
                (count > 0) ? this.holdNanos.sum() / 1e6 / count : 0.0,
                this.maxHoldNanos.get() / 1e6,
                (holder != null) ? holder.describe() : null,
                lockCount,
                this.lockFailures.sum(),
                lockMs,
                (lockCount > 0) ? lockMs / lockCount : 0.0,
                this.maxLockNanos.get() / 1e6,
                this.longReads.sum(),
                longReads,
                coalescing());
    }
}
