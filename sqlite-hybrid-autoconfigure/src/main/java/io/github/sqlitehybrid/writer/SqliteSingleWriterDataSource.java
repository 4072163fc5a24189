package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's SQLite DataSource with the single writer in front: one write transaction at a time
 * inside the JVM, reads apart.
 *
 * <p>Built from Spring's {@link LazyConnectionDataSourceProxy}: a physical connection is fetched only when
 * the first statement runs, so a transaction that has not yet touched the database holds nothing.
 * <ul>
 *   <li>Read-only transactions ({@code @Transactional(readOnly = true)}) get a connection of the read pool
 *       (the lazy proxy's read-only DataSource): {@code PRAGMA query_only} connections that never take the
 *       write turn and, in WAL mode, never wait for a writer.
 *   <li>Other transactions take the {@link WriteTurn} and a connection of the write pool (the application's
 *       own pool) and begin with {@code BEGIN IMMEDIATE}.
 *   <li>Outside transactions, a statement that writes takes the turn while it executes; one that reads
 *       does not.
 * </ul>
 *
 * <p>Closing it closes both pools.
 */
public final class SqliteSingleWriterDataSource extends LazyConnectionDataSourceProxy implements AutoCloseable {

    private final DataSource writePool;

    private final DataSource readPool;

    private final WriteTurn turn;

    private final Duration acquireTimeout;

    /**
     * Create the DataSource.
     * @param writePool the application's pool, used for writes and for reads outside transactions
     * @param readPool the pool for read-only transactions
     * @param turn the database's write turn
     * @param acquireTimeout the longest wait for the turn
     */
    public SqliteSingleWriterDataSource(
            DataSource writePool, DataSource readPool, WriteTurn turn, Duration acquireTimeout) {
        this.writePool = writePool;
        this.readPool = readPool;
        this.turn = turn;
        this.acquireTimeout = acquireTimeout;
        // Known defaults, so that the proxy never opens a connection just to learn them.
        setDefaultAutoCommit(true);
        setDefaultTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        setTargetDataSource(new WriteTurnDataSource(writePool, turn, acquireTimeout));
        setReadOnlyDataSource(readPool);
        afterPropertiesSet();
    }

    /**
     * The write turn every writer of this database takes.
     * @return the write turn
     */
    public WriteTurn getWriteTurn() {
        return this.turn;
    }

    /**
     * The longest wait for the write turn, for writers that take it themselves.
     * @return the acquire timeout
     */
    public Duration getAcquireTimeout() {
        return this.acquireTimeout;
    }

    /**
     * The pool of read-only transactions.
     * @return the read pool
     */
    public DataSource getReadPool() {
        return this.readPool;
    }

    /**
     * The application's own pool, behind the write turn.
     * @return the write pool
     */
    public DataSource getWritePool() {
        return this.writePool;
    }

    @Override
    public void close() throws Exception {
        try {
            if (this.readPool instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } finally {
            if (this.writePool instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
