package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.translation.SqliteExceptionTranslation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The writing side of one SQLite database: its {@link WriteTurn}, and the write pool from which the holder of the
 * turn, and only the holder, borrows the connection it writes on. Because the turn is taken before the
 * connection, a thread never waits for the turn while holding a connection of the write pool, and the holder
 * never waits for one.
 *
 * <p>The turn is lent, not taken again, when the thread that holds it begins another write on a second connection
 * (a {@code REQUIRES_NEW} transaction): see {@link WriteLease}.
 *
 * <p>With commit coalescing ({@link CommitCoalescer}), a holder that ends while others wait may leave its work
 * uncommitted on the connection and hand both on: the next holder writes on the same connection, in the same
 * SQLite transaction, and the last one of the group issues the COMMIT that every one of them waits for.
 */
final class SingleWriter {

    private static final Log logger = LogFactory.getLog(SingleWriter.class);

    /** A wait for a group's COMMIT this long is a likely deadlock: it is logged, once. */
    private static final long STUCK_COMMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final WriteTurn turn;

    private final DataSource writePool;

    private final Duration acquireTimeout;

    /** Whether the starter's own errors (a turn that timed out, say) get JDBC 4 types, as the driver's do. */
    private final boolean translateErrors;

    private final CommitCoalescer coalescer;

    /** The one lease out, if any: the turn has at most one holder. */
    private volatile @Nullable WriteLease lease;

    SingleWriter(
            WriteTurn turn,
            DataSource writePool,
            Duration acquireTimeout,
            boolean translateErrors,
            WriterProperties.Coalescing coalescing) {
        this.turn = turn;
        this.writePool = writePool;
        this.acquireTimeout = acquireTimeout;
        this.translateErrors = translateErrors;
        this.coalescer = new CommitCoalescer(turn, coalescing);
    }

    /** The driver's errors come translated from below the pool; the single writer's own are translated here. */
    SQLException translate(SQLException ex) {
        return this.translateErrors ? SqliteExceptionTranslation.translate(ex) : ex;
    }

    WriteTurn turn() {
        return this.turn;
    }

    CommitCoalescer coalescer() {
        return this.coalescer;
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
        WriteTurn.Holder holder = this.turn.acquireJoining(work, this.acquireTimeout);
        Connection physical;
        try {
            CommitGroup open = this.coalescer.open();
            physical = (open != null) ? open.physical() : this.writePool.getConnection();
        } catch (SQLException | RuntimeException | Error ex) {
            this.turn.release(holder);
            throw ex;
        }
        WriteLease created = new WriteLease(this, holder, physical, owner);
        this.lease = created;
        return created;
    }

    /**
     * Begin a write transaction's SQLite side at its first statement: in the open group, or with
     * {@code BEGIN IMMEDIATE}.
     */
    CommitCoalescer.CommitUnit begin(Connection physical, String work) throws SQLException {
        return this.coalescer.begin(physical, work, this::beginImmediate);
    }

    /** Begin an auto-commit write, in a group when coalescing; {@code null} when the driver's auto-commit runs it. */
    CommitCoalescer.@Nullable CommitUnit beginAutoCommit(Connection physical, @Nullable String sql)
            throws SQLException {
        return this.coalescer.beginAutoCommit(physical, sql, this::beginImmediate);
    }

    /**
     * A statement that needs SQLite's transaction to itself (a {@code BEGIN} run as SQL, an auto-commit write that
     * may return rows): the open group is committed first.
     */
    void commitOpenGroup() {
        CommitGroup open = this.coalescer.open();
        if (open != null) {
            this.coalescer.commit(open);
        }
    }

    /**
     * Wait for the COMMIT of the group a transaction ended in, which a later holder of the turn issues; if the
     * turn is left free with the group open (the waiter it was handed to gave up), commit it here.
     * @param since when the transaction ended, for the commit-wait figures
     * @throws SQLException the COMMIT's failure: the transaction was not committed
     */
    void awaitCommit(CommitGroup group, long since) throws SQLException {
        try {
            if (this.turn.isHeldByCurrentThread() && this.coalescer.open() == group) {
                // The lease goes on (a nested write of this thread ended): nobody else can commit it.
                this.coalescer.commit(group);
            }
            boolean warned = false;
            while (!group.await(CommitGroup.LOOK_AGAIN_NANOS)) {
                if (!warned && System.nanoTime() - since > STUCK_COMMIT_NANOS) {
                    warned = true;
                    logger.warn(stuckCommit());
                }
                if (this.turn.holder() == null && this.turn.waiting() == 0) {
                    // Nobody holds or waits for the turn: the group was handed to a waiter that gave up.
                    this.coalescer.commitIfStillOpen(group, this.acquireTimeout);
                }
            }
        } finally {
            this.turn.statistics().commitWaited(System.nanoTime() - since);
        }
    }

    /** As the DataSource closes: a group left open is committed, by taking the turn, within the acquire timeout. */
    void commitBeforeClosing() {
        if (this.coalescer.open() == null) {
            return;
        }
        try {
            this.turn.release(this.turn.acquire("closing the DataSource", this.acquireTimeout));
        } catch (SQLException ex) {
            // Held past the timeout: the pools close all the same, and the group's members fail.
        }
    }

    private String stuckCommit() {
        WriteTurn.Holder holder = this.turn.holder();
        return "A write transaction on thread '" + Thread.currentThread().getName() + "' has waited more than "
                + TimeUnit.NANOSECONDS.toSeconds(STUCK_COMMIT_NANOS) + " s for the COMMIT it shares with later"
                + " transactions (sqlite.hybrid.writer.coalescing) while "
                + ((holder != null) ? holder.describe() : "nobody")
                + " holds the write turn. If that transaction waits for a lock this thread releases after its commit"
                + " (Spring Batch's multi-threaded steps do), they wait for each other for ever: set"
                + " sqlite.hybrid.writer.coalescing.enabled=false";
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

    /**
     * Called by the lease when its last owner leaves: an open group is handed on with the turn, or committed; then
     * the connection goes back, then the turn.
     */
    void ended(WriteLease ended) {
        this.lease = null;
        WriteTurn.Holder holder = ended.holder();
        this.coalescer.held(holder.work(), System.nanoTime() - holder.since());
        CommitGroup open = this.coalescer.open();
        if (open != null) {
            if (this.coalescer.shouldHandOver(open)) {
                this.turn.handOver(holder);
                return;
            }
            this.coalescer.commit(open);
        }
        try {
            ended.physical().close();
        } catch (SQLException ex) {
            // The pool discards a connection it cannot reset; the turn must be released all the same.
        } finally {
            this.turn.release(ended.holder());
        }
    }

    /** A read-only transaction, or a read outside one that leaves a result set open, began on this thread. */
    OpenReads.Read readBegan(String name) {
        return this.turn.openReads().began(name);
    }

    /** A read outside a transaction left a result set open: named by its SQL, described only when reported. */
    OpenReads.Read readBegan(String name, @Nullable String sql) {
        return this.turn.openReads().began(name, sql);
    }

    /** The read ended: one that kept its snapshot past the threshold is logged and counted. */
    void readEnded(OpenReads.Read read) {
        long nanos = this.turn.openReads().ended(read);
        Duration threshold = this.turn.longReadThreshold();
        if (nanos > threshold.toNanos()) {
            this.turn.statistics().longRead(read.name(), read.thread(), nanos, threshold);
        }
    }

    /** A statement that takes SQLite's write lock, run as the application called it. */
    @FunctionalInterface
    interface LockingBegin {

        @Nullable
        Object run() throws Throwable;
    }
}
