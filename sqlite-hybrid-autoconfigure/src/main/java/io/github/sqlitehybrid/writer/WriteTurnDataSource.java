package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.WriteTurn.Holder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Hands out connections of the write pool that take the {@link WriteTurn} when they write.
 *
 * <p>Inside a Spring transaction that is not read-only, the turn is taken before a pooled connection is,
 * so that writers queue once, in arrival order, rather than first for the pool and then for the turn.
 */
final class WriteTurnDataSource extends DelegatingDataSource {

    private final WriteTurn turn;

    private final Duration acquireTimeout;

    WriteTurnDataSource(DataSource writePool, WriteTurn turn, Duration acquireTimeout) {
        super(writePool);
        this.turn = turn;
        this.acquireTimeout = acquireTimeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(username, password);
    }

    private Connection wrap(@Nullable String username, @Nullable String password) throws SQLException {
        Holder holder = null;
        String transaction = TransactionSynchronizationManager.getCurrentTransactionName();
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
            holder = this.turn.acquire(
                    (transaction != null) ? transaction : "an unnamed transaction", this.acquireTimeout);
        }
        try {
            Connection connection = (username != null)
                    ? obtainTargetDataSource().getConnection(username, password)
                    : obtainTargetDataSource().getConnection();
            try {
                return TurnConnection.wrap(connection, this.turn, this.acquireTimeout, holder);
            } catch (SQLException | RuntimeException ex) {
                connection.close();
                throw ex;
            }
        } catch (SQLException | RuntimeException ex) {
            if (holder != null) {
                this.turn.release(holder);
            }
            throw ex;
        }
    }
}
