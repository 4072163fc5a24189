package io.github.sqlitehybrid.writer;

/**
 * Told the durations of what happens at a {@link WriteTurn}, as they happen: the timers of
 * {@link WriteTurnMetrics} listen. Called on the thread concerned, some while it holds the turn: keep it short.
 */
interface WriteTurnListener {

    /**
     * The turn was taken.
     * @param waitNanos how long the taker waited for it
     */
    void onAcquired(long waitNanos);

    /**
     * The turn was given back.
     * @param holdNanos how long it was held
     */
    void onReleased(long holdNanos);

    /**
     * A holder of the turn asked SQLite for its write lock.
     * @param nanos how long the {@code BEGIN IMMEDIATE} took
     * @param acquired {@code false} when it failed
     */
    void onLock(long nanos, boolean acquired);

    /**
     * The single writer issued a COMMIT for write transactions that shared it (commit coalescing).
     * @param transactions how many transactions it committed, at least one
     */
    void onCoalescedCommit(int transactions);

    /**
     * A write transaction's commit returned after the COMMIT that included it, or failed with it.
     * @param nanos how long it waited, from its own end to that COMMIT's
     */
    void onCommitWait(long nanos);
}
