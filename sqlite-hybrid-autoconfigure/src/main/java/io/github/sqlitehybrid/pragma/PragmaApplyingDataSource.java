package io.github.sqlitehybrid.pragma;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.sqlite.SQLiteConnection;

/**
 * Applies {@link SqlitePragmas} once to every physical SQLite connection its target hands out.
 *
 * <p>Placed under a pool (as HikariCP's own {@code dataSource}) every connection it sees is new; placed
 * over one, it recognises the physical connection behind each pooled handle and configures each only the
 * first time. Physical connections are held weakly, so closed ones are forgotten.
 *
 * @since 0.1.0
 */
public final class PragmaApplyingDataSource extends DelegatingDataSource {

    private final SqlitePragmas pragmas;

    private final Set<Connection> configured = Collections.newSetFromMap(new WeakHashMap<>());

    /**
     * Create a new instance.
     * @param target the DataSource whose connections are configured
     * @param pragmas the PRAGMAs to apply
     */
    public PragmaApplyingDataSource(DataSource target, SqlitePragmas pragmas) {
        super(target);
        this.pragmas = pragmas;
    }

    /**
     * The PRAGMAs this DataSource applies.
     * @return the PRAGMAs
     */
    public SqlitePragmas getPragmas() {
        return this.pragmas;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return configure(obtainTargetDataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return configure(obtainTargetDataSource().getConnection(username, password));
    }

    private Connection configure(Connection connection) throws SQLException {
        Connection physical = connection.isWrapperFor(SQLiteConnection.class)
                ? connection.unwrap(SQLiteConnection.class)
                : connection;
        synchronized (this.configured) {
            if (this.configured.contains(physical)) {
                return connection;
            }
        }
        try {
            this.pragmas.applyTo(connection);
        } catch (SQLException ex) {
            connection.close();
            throw ex;
        }
        synchronized (this.configured) {
            this.configured.add(physical);
        }
        return connection;
    }
}
