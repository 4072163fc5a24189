package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Commit coalescing: write transactions that end while others wait for the write turn leave their work in one
 * open SQLite transaction on the writer's connection, each having run in a {@code SAVEPOINT} of it, and share
 * its COMMIT. The holder of the turn decides, as its lease ends, whether to hand the open group on to the next
 * holder or to COMMIT it: it commits when nobody waits, when the group is full or when it is old.
 *
 * <p>Every method but {@link #commitIfStillOpen} is called by the holder of the write turn, which is what
 * makes the open group its alone.
 */
final class CommitCoalescer implements WriteTurn.PendingCommit {

    private static final Log logger = LogFactory.getLog(CommitCoalescer.class);

    /** Names whose last hold is remembered, at most; beyond that the memory starts again. */
    private static final int REMEMBERED_NAMES = 1024;

    private final WriteTurn turn;

    private final boolean enabled;

    private final int maxTransactions;

    private final long maxAgeNanos;

    /** The group open on the writer's connection, if any. */
    private volatile @Nullable CommitGroup open;

    private int savepoints;

    /** How long each transaction name last held the turn: one that held it past max-age does not join a group. */
    private final Map<String, Long> lastHolds = new ConcurrentHashMap<>();

    CommitCoalescer(WriteTurn turn, WriterProperties.Coalescing settings) {
        this.turn = turn;
        this.enabled = settings.isEnabled();
        this.maxTransactions = settings.getMaxTransactions();
        this.maxAgeNanos = settings.getMaxAge().toNanos();
    }

    @Nullable
    CommitGroup open() {
        return this.open;
    }

    /**
     * Begin a transaction's SQLite side: a {@code SAVEPOINT} in the open group, or a {@code BEGIN IMMEDIATE} that
     * opens one. A transaction whose name last held the turn past max-age commits the open group first, so that
     * the transactions in it do not wait for it.
     * @return the unit to end with {@link #done} or {@link #rollBack}
     */
    CommitUnit begin(Connection physical, String work, BeginImmediate begin) throws SQLException {
        CommitGroup group = this.open;
        if (group != null && isLong(work)) {
            commit(group);
            group = null;
        }
        if (group != null) {
            return savepoint(physical);
        }
        begin.run(physical);
        if (this.enabled) {
            open(physical);
        }
        return CommitUnit.FIRST;
    }

    /**
     * Begin an auto-commit write: in the open group when there is one; else in a group of its own when others
     * wait for the turn; else as the driver runs it. One that cannot run in a transaction commits the group first.
     * @return the unit, or {@code null} for a statement left to the driver's auto-commit
     */
    @Nullable
    CommitUnit beginAutoCommit(Connection physical, @Nullable String sql, BeginImmediate begin) throws SQLException {
        if (!this.enabled) {
            return null;
        }
        CommitGroup group = this.open;
        if (sql != null && SqlStatementKind.runsOutsideTransactions(sql)) {
            if (group != null) {
                commit(group);
            }
            return null;
        }
        if (group != null) {
            return savepoint(physical);
        }
        if (this.turn.waiting() == 0) {
            return null;
        }
        begin.run(physical);
        open(physical);
        return CommitUnit.FIRST;
    }

    /**
     * The unit's work is done: it joins the open group to wait for its COMMIT; without coalescing, it commits.
     * @return the group to wait for, or {@code null} when committed already
     */
    @Nullable
    CommitGroup done(Connection physical, CommitUnit unit) throws SQLException {
        String savepoint = unit.savepoint();
        if (savepoint != null) {
            PhysicalSql.run(physical, "RELEASE " + savepoint);
        }
        CommitGroup group = this.open;
        if (group == null) {
            PhysicalSql.run(physical, "COMMIT");
            return null;
        }
        group.join();
        return group;
    }

    /** Roll the unit back, and only it: to its savepoint in a group, else the SQLite transaction it began. */
    void rollBack(Connection physical, CommitUnit unit) {
        String savepoint = unit.savepoint();
        try {
            if (savepoint != null) {
                PhysicalSql.run(physical, "ROLLBACK TO " + savepoint);
                PhysicalSql.run(physical, "RELEASE " + savepoint);
                return;
            }
            PhysicalSql.run(physical, "ROLLBACK");
        } catch (SQLException ex) {
            // "no such savepoint", "no transaction is active": SQLite had already rolled it back.
        }
        closeIfEnded(physical);
    }

    /** Pause a unit that only read, for a nested write of its thread: release its savepoint, or COMMIT it. */
    void pause(Connection physical, CommitUnit unit) throws SQLException {
        String savepoint = unit.savepoint();
        if (savepoint != null) {
            PhysicalSql.run(physical, "RELEASE " + savepoint);
        } else {
            PhysicalSql.run(physical, "COMMIT");
            closeIfEnded(physical);
        }
    }

    /**
     * A statement failed or ended a transaction by SQL: when SQLite's transaction is gone with it, so is the open
     * group, and every transaction waiting in it fails.
     */
    void checkOpen(Connection physical, SQLException cause) {
        CommitGroup ended = closeIfTransactionEnded(physical);
        if (ended != null) {
            ended.complete(CommitGroup.rolledBackBySqlite(this.turn.database(), ended.transactions(), cause));
        }
    }

    /** Whether the holder ending its lease should hand the open group on rather than COMMIT it. */
    boolean shouldHandOver(CommitGroup group) {
        return group.transactions() < this.maxTransactions
                && group.ageNanos(System.nanoTime()) < this.maxAgeNanos
                && this.turn.waiting() > 0;
    }

    /** Remember how long a transaction of this name held the turn. */
    void held(String work, long nanos) {
        if (this.lastHolds.size() >= REMEMBERED_NAMES && !this.lastHolds.containsKey(work)) {
            this.lastHolds.clear();
        }
        this.lastHolds.put(work, nanos);
    }

    /** COMMIT the group, then tell every transaction in it how it went. */
    void commit(CommitGroup group) {
        Connection physical = group.physical();
        SQLException failure = null;
        try {
            PhysicalSql.run(physical, "COMMIT");
        } catch (SQLException ex) {
            failure = ex;
            if (PhysicalSql.inTransaction(physical)) {
                // A COMMIT refused (another process's lock, a deferred foreign key): none of it may stay.
                rollBackQuietly(physical);
            }
        }
        close();
        if (group.transactions() > 0) {
            this.turn.statistics().coalescedCommit(group.transactions());
        }
        group.complete(failure);
    }

    @Override
    public void commitBeforeAnotherWriter() {
        CommitGroup group = this.open;
        if (group != null) {
            commit(group);
            closeQuietly(group.physical());
        }
    }

    /**
     * For a transaction's thread that found the turn free with its group still open, which happens when the
     * waiter the group was handed to gave up waiting for the turn: take the turn and COMMIT the group if nobody
     * did meanwhile.
     */
    void commitIfStillOpen(CommitGroup group, Duration acquireTimeout) {
        WriteTurn.Holder holder;
        try {
            holder = this.turn.acquireJoining("the COMMIT of a coalesced group", acquireTimeout);
        } catch (SQLException ex) {
            return; // the holder will end it; the thread waits on
        }
        try {
            if (this.open == group) {
                logger.debug("Committing a group of " + group.transactions() + " transactions left open on "
                        + this.turn.database());
                commitBeforeAnotherWriter();
            }
        } finally {
            this.turn.release(holder);
        }
    }

    private boolean isLong(String work) {
        Long last = this.lastHolds.get(work);
        return last != null && last > this.maxAgeNanos;
    }

    private CommitUnit savepoint(Connection physical) throws SQLException {
        String name = "sqlite_hybrid_tx_" + (++this.savepoints);
        PhysicalSql.run(physical, "SAVEPOINT " + name);
        return new CommitUnit(name);
    }

    private void open(Connection physical) {
        this.open = new CommitGroup(physical);
        this.turn.pendingCommit(this);
    }

    /**
     * The transaction that opened the group ended SQLite's transaction itself (rolled back, paused, ended by SQL)
     * before any other joined it; if one had, its work is gone and it fails.
     */
    void closeIfEnded(Connection physical) {
        CommitGroup ended = closeIfTransactionEnded(physical);
        if (ended != null) {
            ended.complete(
                    (ended.transactions() == 0)
                            ? null
                            : CommitGroup.rolledBackBySqlite(
                                    this.turn.database(),
                                    ended.transactions(),
                                    new SQLException("the transaction was ended by a statement of the application")));
        }
    }

    /** The open group on this connection, closed, when SQLite's transaction under it has ended; else null. */
    private @Nullable CommitGroup closeIfTransactionEnded(Connection physical) {
        CommitGroup group = this.open;
        if (group == null || group.physical() != physical || PhysicalSql.inTransaction(physical)) {
            return null;
        }
        close();
        return group;
    }

    /** No group is open any more: a writer on another connection need not wait for one. */
    private void close() {
        this.open = null;
        this.turn.pendingCommit(null);
    }

    private static void rollBackQuietly(Connection physical) {
        try {
            PhysicalSql.run(physical, "ROLLBACK");
        } catch (SQLException ex) {
            // Already rolled back.
        }
    }

    private static void closeQuietly(Connection physical) {
        try {
            physical.close();
        } catch (SQLException ex) {
            // The pool discards a connection it cannot reset.
        }
    }

    /** Runs {@code BEGIN IMMEDIATE}, timed for the write turn's figures. */
    @FunctionalInterface
    interface BeginImmediate {

        void run(Connection physical) throws SQLException;
    }

    /**
     * One transaction's part of a group: the savepoint it runs in, or {@code null} for the one that began the
     * SQLite transaction.
     */
    record CommitUnit(@Nullable String savepoint) {

        static final CommitUnit FIRST = new CommitUnit(null);
    }
}
