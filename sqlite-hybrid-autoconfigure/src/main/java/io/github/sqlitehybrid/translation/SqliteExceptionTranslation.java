package io.github.sqlitehybrid.translation;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns a {@link SQLiteException}, which carries SQLite's result code but no SQLState, into the JDBC 4 subclass
 * and SQLState that the code means, with the original as its cause and the same message and error code.
 *
 * <p>Spring's default {@code SQLExceptionSubclassTranslator} and Hibernate's SQLState conversion then give every
 * caller the exception it expects:
 * <ul>
 *   <li>{@code UNIQUE} and {@code PRIMARY KEY}: {@code 23505}, a {@code DuplicateKeyException};
 *   <li>{@code NOT NULL} {@code 23502}, {@code FOREIGN KEY} {@code 23503}, {@code CHECK} {@code 23514}, other
 *       constraints {@code 23000}: a {@code DataIntegrityViolationException};
 *   <li>a value too big or of the wrong type ({@code SQLITE_TOOBIG}, {@code SQLITE_MISMATCH}, a {@code STRICT}
 *       table's type check): {@code 22000}, a {@code DataIntegrityViolationException};
 *   <li>{@code SQLITE_BUSY}, {@code SQLITE_LOCKED} and their extended codes: a {@link SQLTransientException} with
 *       {@code 40001}, a {@code CannotAcquireLockException}, which {@code @DbRetry} still recognises by the code in
 *       its cause;
 *   <li>{@code SQLITE_ERROR} (no such table or column, a syntax error): {@code 42000}, a
 *       {@code BadSqlGrammarException};
 *   <li>{@code SQLITE_READONLY}: a {@code PermissionDeniedDataAccessException};
 *   <li>{@code SQLITE_FULL} {@code 53100}, {@code SQLITE_NOMEM} {@code 53200}, I/O errors, a file that cannot be
 *       opened or is not a database: a {@code DataAccessResourceFailureException};
 *   <li>{@code SQLITE_INTERRUPT} (a query timeout): {@code 57014}, a {@code QueryTimeoutException}.
 * </ul>
 * Other codes, and exceptions that are not from SQLite, are returned unchanged. No SQLState of class {@code 08}
 * is used, so that HikariCP never takes an I/O error for a broken connection and closes it mid-transaction.
 *
 * @since 0.1.0
 */
public final class SqliteExceptionTranslation {

    private SqliteExceptionTranslation() {}

    /**
     * The JDBC 4 exception for a SQLite error.
     * @param ex what the driver, or the starter on its behalf, threw
     * @return the translated exception, or {@code ex} itself when it is not a SQLite error or has no better type
     */
    public static SQLException translate(SQLException ex) {
        if (!(ex instanceof SQLiteException sqlite)) {
            return ex;
        }
        SQLException translated = translate(sqlite, resultCode(sqlite));
        return (translated != null) ? translated : ex;
    }

    private static @Nullable SQLException translate(SQLiteException ex, int code) {
        String message = ex.getMessage();
        int errorCode = ex.getErrorCode();
        return switch (code & 0xFF) {
            case 5, 6 -> new SQLTransientException(message, "40001", errorCode, ex);
            case 19 -> constraint(ex, code, message, errorCode);
            case 18, 20 -> new SQLDataException(message, "22000", errorCode, ex);
            case 1 -> new SQLSyntaxErrorException(message, "42000", errorCode, ex);
            case 8 -> new SQLInvalidAuthorizationSpecException(message, "25006", errorCode, ex);
            case 13 -> new SQLNonTransientException(message, "53100", errorCode, ex);
            case 7 -> new SQLNonTransientException(message, "53200", errorCode, ex);
            case 10, 11, 14, 15, 22, 26 -> new SQLNonTransientConnectionException(message, "58030", errorCode, ex);
            case 9 -> new SQLTimeoutException(message, "57014", errorCode, ex);
            default -> null;
        };
    }

    private static SQLException constraint(SQLiteException ex, int code, @Nullable String message, int errorCode) {
        String state = switch (code) {
            case 1555, 2067, 2579 -> "23505"; // PRIMARY KEY, UNIQUE, rowid
            case 1299 -> "23502"; // NOT NULL
            case 787 -> "23503"; // FOREIGN KEY
            case 275 -> "23514"; // CHECK
            case 3091 -> "22000"; // a STRICT table's column type
            default -> "23000";
        };
        return state.startsWith("22")
                ? new SQLDataException(message, state, errorCode, ex)
                : new SQLIntegrityConstraintViolationException(message, state, errorCode, ex);
    }

    /** The extended result code, or the primary code when the driver's enum does not know the extended one. */
    private static int resultCode(SQLiteException ex) {
        SQLiteErrorCode code = ex.getResultCode();
        return (code != null && code != SQLiteErrorCode.UNKNOWN_ERROR) ? code.code : ex.getErrorCode();
    }
}
