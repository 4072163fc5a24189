package io.github.sqlitehybrid.retry;

import java.sql.SQLException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Recognises PostgreSQL's transient concurrency errors by SQLState, never by message:
 * <ul>
 *   <li>{@code 40001} {@code serialization_failure}: a SERIALIZABLE or REPEATABLE READ transaction met a
 *       concurrent update;
 *   <li>{@code 40P01} {@code deadlock_detected}: the server broke a deadlock by failing this transaction;
 *   <li>{@code 55P03} {@code lock_not_available}: {@code lock_timeout} expired, or {@code NOWAIT} found the
 *       row locked.
 * </ul>
 * Each is reported by its PostgreSQL condition name ({@code serialization_failure}, ...), the code that
 * appears in the metrics and in {@code /actuator/dblocks}. In every case the server rolled the transaction
 * back (or the statement, for {@code 55P03}), so running the whole transaction again is right.
 *
 * <p>The whole cause chain is searched, and each {@link SQLException}'s chain of next exceptions, so the
 * error is found raw, inside Spring's translated {@code DataAccessException}s or inside a
 * {@code BatchUpdateException}.
 *
 * @since 0.1.0
 */
public final class PostgresLockErrorClassifier implements DatabaseLockErrorClassifier {

    private static final Map<String, String> LOCK_ERRORS = Map.of(
            "40001", "serialization_failure",
            "40P01", "deadlock_detected",
            "55P03", "lock_not_available");

    @Override
    public boolean supports(String databaseProductName) {
        return "PostgreSQL".equalsIgnoreCase(databaseProductName);
    }

    @Override
    public @Nullable String lockErrorCode(Throwable failure) {
        return SqlExceptionChain.firstCode(
                failure, (sql) -> (sql.getSQLState() != null) ? LOCK_ERRORS.get(sql.getSQLState()) : null);
    }
}
