package io.github.sqlitehybrid.translation;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out its target's connections with every {@link java.sql.SQLException} that they, their statements,
 * result sets and metadata throw passed through {@link SqliteExceptionTranslation}. Placed under a connection
 * pool, it reaches every caller of the pool, including the {@code JdbcTemplate}s that libraries build for
 * themselves.
 *
 * <p>{@code unwrap} still reaches the driver's own objects, such as {@code org.sqlite.SQLiteConnection}.
 */
public final class TranslatingDataSource extends DelegatingDataSource {

    /**
     * Create a new instance.
     * @param target the DataSource of SQLite connections
     */
    public TranslatingDataSource(DataSource target) {
        super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return TranslatingProxy.connection(obtainTargetDataSource().getConnection());
        } catch (SQLException ex) {
            throw SqliteExceptionTranslation.translate(ex);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return TranslatingProxy.connection(obtainTargetDataSource().getConnection(username, password));
        } catch (SQLException ex) {
            throw SqliteExceptionTranslation.translate(ex);
        }
    }
}
