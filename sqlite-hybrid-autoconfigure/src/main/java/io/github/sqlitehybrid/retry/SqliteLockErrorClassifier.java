package io.github.sqlitehybrid.retry;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Recognises SQLite's lock errors by result code: any code whose primary code is {@code SQLITE_BUSY} (5)
 * or {@code SQLITE_LOCKED} (6), extended codes included ({@code SQLITE_BUSY_SNAPSHOT} 517,
 * {@code SQLITE_BUSY_RECOVERY} 261, {@code SQLITE_LOCKED_SHAREDCACHE} 262, ...).
 *
 * <p>The whole cause chain is searched, and each {@link SQLException}'s chain of next exceptions, so the
 * error is found whether it arrives raw, inside Spring's {@code UncategorizedSQLException} or wrapped by
 * the application. Message text is never looked at.
 *
 * @since 0.1.0
 */
public final class SqliteLockErrorClassifier implements DatabaseLockErrorClassifier {

    private static final int SQLITE_BUSY = 5;

    private static final int SQLITE_LOCKED = 6;

    @Override
    public boolean supports(String databaseProductName) {
        return "SQLite".equalsIgnoreCase(databaseProductName);
    }

    @Override
    public @Nullable String lockErrorCode(Throwable failure) {
        return SqlExceptionChain.firstCode(
                failure, (sql) -> (sql instanceof SQLiteException sqlite) ? lockCode(sqlite) : null);
    }

    private static @Nullable String lockCode(SQLiteException exception) {
        SQLiteErrorCode resultCode = exception.getResultCode();
        if (resultCode != null && resultCode != SQLiteErrorCode.UNKNOWN_ERROR) {
            int primary = resultCode.code & 0xFF;
            return (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? resultCode.name() : null;
        }
        // An extended code the driver's enum does not know: the JDBC error code still holds the primary code.
        return switch (exception.getErrorCode() & 0xFF) {
            case SQLITE_BUSY -> SQLiteErrorCode.SQLITE_BUSY.name();
            case SQLITE_LOCKED -> SQLiteErrorCode.SQLITE_LOCKED.name();
            default -> null;
        };
    }
}
