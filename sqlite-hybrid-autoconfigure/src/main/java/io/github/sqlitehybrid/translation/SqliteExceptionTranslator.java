package io.github.sqlitehybrid.translation;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.sqlite.SQLiteException;

/**
 * A {@link SQLExceptionTranslator} for errors that came from SQLite: the JDBC 4 type
 * {@link SqliteExceptionTranslation} gives them, translated as Spring's {@link SQLExceptionSubclassTranslator}
 * translates it. Errors from other databases are not translated ({@code null}), so that a caller with a fallback
 * keeps its own.
 *
 * <p>The starter sets it on Hibernate's JPA dialect, so that JPA repositories and {@code JdbcTemplate} raise the
 * same {@code DataAccessException} for the same SQLite error (a {@code DuplicateKeyException} for a UNIQUE
 * violation, say, where Hibernate alone gives a {@code DataIntegrityViolationException}).
 *
 * @since 0.1.0
 */
public final class SqliteExceptionTranslator implements SQLExceptionTranslator {

    private final SQLExceptionSubclassTranslator delegate = new SQLExceptionSubclassTranslator();

    @Override
    public @Nullable DataAccessException translate(String task, @Nullable String sql, SQLException ex) {
        if (!fromSqlite(ex)) {
            return null;
        }
        return this.delegate.translate(task, sql, SqliteExceptionTranslation.translate(ex));
    }

    private static boolean fromSqlite(SQLException ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException) {
                return true;
            }
            if (cause.getCause() == cause) {
                return false;
            }
        }
        return false;
    }
}
