package io.github.sqlitehybrid.retry;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a failure is a database lock error, one that the same work may get past if it is run
 * again. The starter configures a {@link DataSourceLockErrorClassifier}, which uses the
 * {@link DatabaseLockErrorClassifier} serving the application's database ({@link SqliteLockErrorClassifier},
 * {@link PostgresLockErrorClassifier}, or one more added as that interface explains). Declare a bean of this
 * type to replace it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LockErrorClassifier {

    /**
     * The name of the lock error behind the given failure, searched through its whole cause chain.
     * @param failure what a call threw
     * @return a short, stable name such as {@code SQLITE_BUSY_SNAPSHOT}, or {@code null} when the failure
     *     is not a lock error
     */
    @Nullable
    String lockErrorCode(Throwable failure);

    /**
     * Whether the given failure is a lock error.
     * @param failure what a call threw
     * @return {@code true} for a lock error
     */
    default boolean isLockError(Throwable failure) {
        return lockErrorCode(failure) != null;
    }
}
