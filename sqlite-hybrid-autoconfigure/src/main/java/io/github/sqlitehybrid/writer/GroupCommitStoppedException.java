package io.github.sqlitehybrid.writer;

import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link GroupCommitWriter} is stopping or stopped (the application is shutting down), so a unit was
 * refused. The unit did not run. Units accepted before the stop are still run and committed.
 *
 * @since 0.1.0
 */
public final class GroupCommitStoppedException extends RejectedExecutionException {

    /**
     * Create a new exception.
     */
    public GroupCommitStoppedException() {
        super(
                "Group commit writer is stopped: the unit was not accepted (units accepted before the stop still commit)");
    }
}
