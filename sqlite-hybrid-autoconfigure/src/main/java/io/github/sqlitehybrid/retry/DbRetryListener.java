package io.github.sqlitehybrid.retry;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Told what happens in calls retried on lock errors. {@link LockStatistics} and {@link DbRetryMetrics}
 * listen; a bean of this type is told too. Called on the caller's thread: keep it short.
 *
 * @since 0.1.0
 */
public interface DbRetryListener {

    /**
     * An attempt failed with a lock error.
     * @param operation the method or operation name
     * @param code the lock error's code name, such as {@code SQLITE_BUSY_SNAPSHOT}
     */
    default void onLockError(String operation, String code) {}

    /**
     * A retry starts after waiting.
     * @param operation the method or operation name
     * @param waited how long the backoff waited before this retry
     */
    default void onRetry(String operation, Duration waited) {}

    /**
     * A call ended.
     * @param operation the method or operation name
     * @param outcome how it ended
     * @param attempts how many times it was invoked
     * @param lockErrorCode code name of the lock error the call failed with, {@code null} when it succeeded
     *     or failed with something else
     */
    default void onCallComplete(
            String operation, DbRetryOutcome outcome, int attempts, @Nullable String lockErrorCode) {}
}
