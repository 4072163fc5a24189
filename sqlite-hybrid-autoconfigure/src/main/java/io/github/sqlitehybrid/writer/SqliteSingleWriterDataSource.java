package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's SQLite DataSource with the single writer in front: one write transaction at a time inside
 * the JVM, reads apart.
 *
 * <p>Its connections are routed per transaction, not per connection, so a connection that outlives its
 * transactions (Hibernate's, for a whole request with open-in-view) is routed anew at each one:
 * <ul>
 *   <li>Read-only transactions ({@code @Transactional(readOnly = true)}) run on a connection of the read pool:
 *       {@code PRAGMA query_only} connections that never take the write turn and, in WAL mode, never wait for a
 *       writer.
 *   <li>Other transactions take the {@link WriteTurn} when they begin, before any lock the application or a
 *       library takes inside them, then a connection of the write pool (the application's own pool), and begin
 *       with {@code BEGIN IMMEDIATE}.
 *   <li>Outside transactions, a statement that writes takes the turn while it executes; one that reads runs on
 *       the read pool.
 * </ul>
 * No thread waits for the turn while it holds a connection of the write pool, and the holder of the turn never
 * waits for one. A write on a second connection of the same thread while its write transaction holds the turn
 * runs at once if that transaction has not written yet (it is paused meanwhile), and fails at once with a
 * {@link NestedWriteTransactionException} if it has.
 *
 * <p>{@code unwrap(HikariDataSource.class)} reaches the write pool. Closing it closes both pools.
 *
 * @since 0.1.0
 */
public final class SqliteSingleWriterDataSource extends DelegatingDataSource implements AutoCloseable {

    private final DataSource writePool;

    private final DataSource readPool;

    private final WriteTurn turn;

    private final Duration acquireTimeout;

    private final SingleWriter writer;

    private final boolean defaultAutoCommit;

    /**
     * Create the DataSource.
     * @param writePool the application's pool, whose connections only the holder of the write turn uses
     * @param readPool the pool for read-only transactions and reads outside transactions
     * @param turn the database's write turn
     * @param acquireTimeout the longest wait for the turn
     */
    public SqliteSingleWriterDataSource(
            DataSource writePool, DataSource readPool, WriteTurn turn, Duration acquireTimeout) {
        this(writePool, readPool, turn, acquireTimeout, true, false, new WriterProperties());
        // Commit coalescing stays off here, as by default in the auto-configuration.
    }

    SqliteSingleWriterDataSource(
            DataSource writePool,
            DataSource readPool,
            WriteTurn turn,
            Duration acquireTimeout,
            boolean autoCommit,
            boolean translateErrors,
            WriterProperties settings) {
        super(writePool);
        this.writePool = writePool;
        this.readPool = readPool;
        this.turn = turn;
        this.acquireTimeout = acquireTimeout;
        this.writer = new SingleWriter(turn, writePool, acquireTimeout, translateErrors, settings.getCoalescing());
        this.defaultAutoCommit = autoCommit;
    }

    @Override
    public Connection getConnection() {
        return new RoutingConnection(this.writer, this.readPool, this.defaultAutoCommit).proxy();
    }

    /**
     * Not supported: like HikariCP, the pools behind this DataSource use the credentials they were configured with.
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException(
                "The single writer's pools use the credentials they were configured with");
    }

    /**
     * The write turn every writer of this database takes.
     * @return the write turn
     */
    public WriteTurn getWriteTurn() {
        return this.turn;
    }

    /**
     * The write turn of a DataSource that is, or wraps, the single writer's.
     * @param dataSource any DataSource
     * @return its write turn, {@code null} when it is not the single writer's
     */
    public static @Nullable WriteTurn writeTurnOf(@Nullable DataSource dataSource) {
        try {
            return (dataSource != null && dataSource.isWrapperFor(SqliteSingleWriterDataSource.class))
                    ? dataSource.unwrap(SqliteSingleWriterDataSource.class).getWriteTurn()
                    : null;
        } catch (SQLException ex) {
            return null;
        }
    }

    /**
     * The longest wait for the write turn, for writers that take it themselves.
     * @return the acquire timeout
     */
    public Duration getAcquireTimeout() {
        return this.acquireTimeout;
    }

    /**
     * The pool of read-only transactions and of reads outside transactions.
     * @return the read pool
     */
    public DataSource getReadPool() {
        return this.readPool;
    }

    /**
     * The application's own pool, behind the write turn: only the holder of the turn takes its connections.
     * @return the write pool
     */
    public DataSource getWritePool() {
        return this.writePool;
    }

    @Override
    public void afterPropertiesSet() {
        // The pools are set in the constructor.
    }

    /**
     * Close both pools, once the work that write transactions left waiting for a COMMIT (commit coalescing) is
     * committed; a write transaction still under way fails as its pool closes.
     */
    @Override
    public void close() throws Exception {
        this.writer.commitBeforeClosing();
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
