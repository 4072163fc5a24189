package io.github.sqlitehybrid.writer;

/**
 * Told what the {@link GroupCommitWriter} did, for metrics ({@link GroupCommitMetrics} is one). Called on the
 * writer's thread, outside any transaction: keep it quick, and do not hand the writer work from here.
 *
 * @since 0.1.0
 */
public interface GroupCommitListener {

    /**
     * A unit left the queue to be run.
     * @param waitNanos how long it waited in the queue
     */
    default void onDequeued(long waitNanos) {}

    /**
     * A group's transaction committed.
     * @param units units in the group, committed and failed
     * @param failedUnits units that threw and were rolled back alone
     * @param commitNanos how long the COMMIT took
     */
    default void onGroupCommitted(int units, int failedUnits, long commitNanos) {}

    /**
     * A group's transaction could not begin, broke, or failed to commit: none of its units committed.
     * @param units units in the group, every one of them failed
     * @param failure why
     */
    default void onGroupFailed(int units, Throwable failure) {}
}
