package io.github.sqlitehybrid.writer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Records what a {@link GroupCommitWriter} does: keeps the counts behind {@link GroupCommitWriter#stats()} and
 * tells the {@link GroupCommitListener}s. Callers report each event once; the writer's thread reports all but
 * refused units, which callers' threads report.
 */
final class GroupCommitTracker {

    // Logged as the writer: its name is the one applications configure.
    private static final Log logger = LogFactory.getLog(GroupCommitWriter.class);

    private final List<GroupCommitListener> listeners;

    private final LongAdder rejectedUnits = new LongAdder();

    private final AtomicLong committedUnits = new AtomicLong();

    private final AtomicLong failedUnits = new AtomicLong();

    private final AtomicLong lockErrorUnits = new AtomicLong();

    private final AtomicLong groups = new AtomicLong();

    private final AtomicLong failedGroups = new AtomicLong();

    private final AtomicLong groupedUnits = new AtomicLong();

    private final AtomicLong queueWaitNanos = new AtomicLong();

    private final AtomicLong commits = new AtomicLong();

    private final AtomicLong commitNanos = new AtomicLong();

    private final AtomicBoolean unitLockErrorSeen = new AtomicBoolean();

    private volatile long maxCommitNanos;

    private volatile int largestGroup;

    GroupCommitTracker(List<? extends GroupCommitListener> listeners) {
        this.listeners = new CopyOnWriteArrayList<>(listeners);
    }

    /** Tell one more listener, such as the meters of a registry bound after the writer was made. */
    void addListener(GroupCommitListener listener) {
        this.listeners.add(listener);
    }

    /** A unit was refused: the queue stayed full, the writer was stopped, or its caller was interrupted. */
    void unitRejected() {
        this.rejectedUnits.increment();
    }

    /**
     * A unit left the queue to be run; counted with its group by {@link #groupDequeued}.
     * @param waitNanos how long it waited in the queue
     */
    void unitDequeued(long waitNanos) {
        if (!this.listeners.isEmpty()) {
            notifyListeners((listener) -> listener.onDequeued(waitNanos));
        }
    }

    /**
     * A group left the queue to be run.
     * @param units units in the group
     * @param waitNanos how long they waited in the queue, summed
     */
    void groupDequeued(int units, long waitNanos) {
        this.queueWaitNanos.addAndGet(waitNanos);
        this.groupedUnits.addAndGet(units);
    }

    /** A transaction is about to begin: the write turn is asked for next. */
    void transactionStarted() {
        this.groups.incrementAndGet();
    }

    /**
     * A unit failed with a lock error of its own and was rolled back alone.
     * @return whether it is the first such unit of the writer, to be warned of
     */
    boolean unitLockError() {
        this.lockErrorUnits.incrementAndGet();
        return this.unitLockErrorSeen.compareAndSet(false, true);
    }

    /**
     * A group's transaction committed.
     * @param committed units whose work was committed
     * @param failed units that threw and were rolled back alone
     * @param took how long the COMMIT took, in nanoseconds
     */
    void groupCommitted(int committed, int failed, long took) {
        this.committedUnits.addAndGet(committed);
        this.failedUnits.addAndGet(failed);
        this.commits.incrementAndGet();
        this.commitNanos.addAndGet(took);
        if (took > this.maxCommitNanos) {
            this.maxCommitNanos = took;
        }
        recordGroupSize(committed + failed);
        notifyListeners((listener) -> listener.onGroupCommitted(committed + failed, failed, took));
    }

    /**
     * A group's transaction could not begin, broke, or failed to commit: none of its units committed.
     * @param units units in the group
     * @param lockErrorUnits units that had succeeded and fail with the group's lock error, or 0
     * @param failure the group's failure
     */
    void groupFailed(int units, int lockErrorUnits, Throwable failure) {
        this.failedGroups.incrementAndGet();
        this.failedUnits.addAndGet(units);
        if (lockErrorUnits > 0) {
            this.lockErrorUnits.addAndGet(lockErrorUnits);
        }
        recordGroupSize(units);
        notifyListeners((listener) -> listener.onGroupFailed(units, failure));
    }

    /**
     * The counts so far, with the writer's present state.
     * @param queued units waiting now
     * @param queueCapacity the queue's capacity
     * @param accepting whether the writer accepts units
     * @return the writer's statistics
     */
    GroupCommitStats stats(int queued, int queueCapacity, boolean accepting) {
        long groupCount = this.groups.get();
        long commitCount = this.commits.get();
        long dequeued = this.groupedUnits.get();
        return new GroupCommitStats(
                this.committedUnits.get(),
                this.failedUnits.get(),
                this.rejectedUnits.sum(),
                this.lockErrorUnits.get(),
                groupCount,
                this.failedGroups.get(),
                this.largestGroup,
                (groupCount > 0) ? (double) dequeued / groupCount : 0.0,
                queued,
                queueCapacity,
                (dequeued > 0) ? this.queueWaitNanos.get() / 1e6 / dequeued : 0.0,
                (commitCount > 0) ? this.commitNanos.get() / 1e6 / commitCount : 0.0,
                this.maxCommitNanos / 1e6,
                accepting,
                commitCount);
    }

    private void recordGroupSize(int units) {
        if (units > this.largestGroup) {
            this.largestGroup = units;
        }
    }

    private void notifyListeners(Consumer<GroupCommitListener> event) {
        for (GroupCommitListener listener : this.listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException ex) {
                logger.warn("GroupCommitListener " + listener + " failed", ex);
            }
        }
    }
}
