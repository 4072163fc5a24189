package io.github.sqlitehybrid.writer;

/**
 * What a {@link GroupCommitWriter} has done since it was created: the {@code groupCommit} section of
 * {@code /actuator/dblocks}, and what the {@code sqlite.hybrid.writer.group.commit.*} counters and gauge read.
 *
 * @param committedUnits units whose work was committed
 * @param failedUnits units that ended with an exception: their own, or their group's
 * @param rejectedUnits units refused because the queue was full or the writer stopped
 * @param lockErrorUnits failed units whose exception was a lock error
 * @param groups transactions run, committed or not
 * @param failedGroups transactions that could not begin, broke, or failed to commit
 * @param largestGroup most units run in one transaction
 * @param meanGroupSize mean units per transaction
 * @param queued units waiting now
 * @param queueCapacity the queue's capacity
 * @param meanQueueWaitMillis mean time a unit waited in the queue
 * @param meanCommitMillis mean time of a successful COMMIT
 * @param maxCommitMillis longest successful COMMIT
 * @param accepting whether the writer accepts units
 * @param committedGroups transactions that committed
 * @since 0.1.0
 */
public record GroupCommitStats(
        long committedUnits,
        long failedUnits,
        long rejectedUnits,
        long lockErrorUnits,
        long groups,
        long failedGroups,
        int largestGroup,
        double meanGroupSize,
        int queued,
        int queueCapacity,
        double meanQueueWaitMillis,
        double meanCommitMillis,
        double maxCommitMillis,
        boolean accepting,
        long committedGroups) {}
