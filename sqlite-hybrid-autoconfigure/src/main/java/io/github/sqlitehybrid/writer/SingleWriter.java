package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.translation.SqliteExceptionTranslation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The writing side of one SQLite database: its {@link WriteTurn}, and the write pool from which the holder of the
 * turn, and only the holder, borrows the connection it writes on. Because the turn is taken before the
 * connection, a thread never waits for the turn while holding a connection of the write pool, and the holder
 * never waits for one.
 *
 * <p>The turn is lent, not taken again, when the thread that holds it begins another write on a second connection
 * (a {@code REQUIRES_NEW} transaction): see {@link WriteLease}.
 */
final class SingleWriter {

    private final WriteTurn turn;

    private final DataSource writePool;

    private final Duration acquireTimeout;

    /** Whether the starter's own errors (a turn that timed out, say) get JDBC 4 types, as the driver's do. */
    private final boolean translateErrors;

    /** The one lease out, if any: the turn has at most one holder. */
    private volatile @Nullable WriteLease lease;

    SingleWriter(WriteTurn turn, DataSource writePool, Duration acquireTimeout, boolean translateErrors) {
        this.turn = turn;
        this.writePool = writePool;
        this.acquireTimeout = acquireTimeout;
        this.translateErrors = translateErrors;
    }

    /** The driver's errors come translated from below the pool; the single writer's own are translated here. */
    SQLException translate(SQLException ex) {
        return this.translateErrors ? SqliteExceptionTranslation.translate(ex) : ex;
    }

    WriteTurn turn() {
        return this.turn;
    }

    /**
     * Join the thread's lease, or wait for the turn and take a new one.
     * @param owner the logical connection that will write
     * @param work what it will do, for messages
     * @return the lease, with {@code owner} as its active owner
     * @throws NestedWriteTransactionException when the thread's lease is in use by a transaction that has written
     */
    WriteLease lease(RoutingConnection owner, String work) throws SQLException {
        WriteLease current = this.lease;
        if (current != null && current.thread() == Thread.currentThread()) {
            current.join(owner, work);
            return current;
        }
        WriteTurn.Holder holder = this.turn.acquire(work, this.acquireTimeout);
        Connection physical;
        try {
            physical = this.writePool.getConnection();
        } catch (SQLException | RuntimeException | Error ex) {
            this.turn.release(holder);
            throw ex;
        }
        WriteLease created = new WriteLease(this, holder, physical, owner);
        this.lease = created;
        return created;
    }

    /** {@code BEGIN IMMEDIATE} on the write lease's connection, timed for the write turn's figures of SQLite's lock. */
    void beginImmediate(Connection physical) throws SQLException {
        long start = System.nanoTime();
        boolean acquired = false;
        try {
            PhysicalSql.run(physical, "BEGIN IMMEDIATE");
            acquired = true;
        } finally {
            this.turn.recordLock(System.nanoTime() - start, acquired);
        }
    }

    /** Run a {@code BEGIN IMMEDIATE} or {@code BEGIN EXCLUSIVE} the application wrote, timed the same way. */
    @Nullable
    Object lockingBegin(LockingBegin begin) throws Throwable {
        long start = System.nanoTime();
        boolean acquired = false;
        try {
            Object result = begin.run();
            acquired = true;
            return result;
        } finally {
            this.turn.recordLock(System.nanoTime() - start, acquired);
        }
    }

    /** Called by the lease when its last owner leaves: the connection goes back, then the turn. */
    void ended(WriteLease ended) {
        this.lease = null;
        try {
            ended.physical().close();
        } catch (SQLException ex) {
            // The pool discards a connection it cannot reset; the turn must be released all the same.
        } finally {
            this.turn.release(ended.holder());
        }
    }

    /** A statement that takes SQLite's write lock, run as the application called it. */
    @FunctionalInterface
    interface LockingBegin {

        @Nullable
        Object run() throws Throwable;
    }
}
