package io.github.sqlitehybrid.writer;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link GroupCommitWriter}'s queue stayed full for the whole offer timeout, so a unit was refused. The
 * unit did not run; nothing accepted earlier is affected. Writes arrive faster than the database takes them:
 * slow down, retry later, or raise {@code sqlite.hybrid.writer.group-commit.queue-capacity}.
 *
 * @since 0.1.0
 */
public final class GroupCommitQueueFullException extends RejectedExecutionException {

    private final int capacity;

    private final Duration offerTimeout;

    /**
     * Create a new exception.
     * @param capacity the queue's capacity
     * @param offerTimeout how long the caller waited for space
     */
    public GroupCommitQueueFullException(int capacity, Duration offerTimeout) {
        super("Group commit queue full: " + capacity + " units waiting, no space within " + offerTimeout.toMillis()
                + "ms; the unit was not accepted (sqlite.hybrid.writer.group-commit.queue-capacity, offer-timeout)");
        this.capacity = capacity;
        this.offerTimeout = offerTimeout;
    }

    /**
     * Capacity of the queue that was full.
     * @return the capacity
     */
    public int getCapacity() {
        return this.capacity;
    }

    /**
     * How long the caller waited for space.
     * @return the offer timeout
     */
    public Duration getOfferTimeout() {
        return this.offerTimeout;
    }
}
