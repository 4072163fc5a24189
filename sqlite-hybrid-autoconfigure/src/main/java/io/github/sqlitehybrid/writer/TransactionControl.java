package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.support.JdbcUtils;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Begins, ends, pauses and resumes the transaction of one {@link RoutingConnection}, in SQL on the physical
 * connection it was routed to, and keeps its savepoints.
 */
final class TransactionControl {

    private final SingleWriter writer;

    private final HeldConnections held;

    private @Nullable RoutedTransaction current;

    private int savepointCounter;

    TransactionControl(SingleWriter writer, HeldConnections held) {
        this.writer = writer;
        this.held = held;
    }

    @Nullable
    RoutedTransaction current() {
        return this.current;
    }

    /** Route a transaction: the read pool when read-only, else the write turn and the write pool's connection. */
    RoutedTransaction begin(String name, boolean readOnly) throws SQLException {
        if (!readOnly) {
            this.current = new RoutedTransaction(this.held.lease(name), true, false, null, name, false);
            return this.current;
        }
        RoutedTransaction transaction =
                new RoutedTransaction(this.held.readOnlyTransaction(), false, false, null, name, true);
        transaction.reading(this.writer.readBegan(name));
        this.current = transaction;
        return transaction;
    }

    /** A transaction the application began itself, with {@code BEGIN} or {@code SAVEPOINT} run as SQL. */
    void begunBySql(Binding binding, @Nullable String openingSavepoint, String work) {
        this.current = new RoutedTransaction(binding, true, true, openingSavepoint, work, true);
    }

    /**
     * {@code BEGIN IMMEDIATE} for a write transaction's first statement: the turn is the application's own lock,
     * taken when the transaction began; SQLite's lock guards against other processes, and waiting for it, or
     * failing to get it past {@code busy_timeout}, belongs to a statement, as on plain SQLite.
     */
    void beginSqlite(RoutedTransaction transaction) throws SQLException {
        if (!transaction.isBegun()) {
            transaction.begun(this.writer.begin(transaction.binding().physical(), transaction.name()));
        }
    }

    /**
     * A statement failed: if SQLite ended the write transaction itself, nothing more may run in it, and the
     * transactions of its group waiting for their COMMIT fail with it.
     */
    void statementFailed(RoutedTransaction transaction, SQLException ex) {
        Connection physical = transaction.binding().physical();
        if (transaction.isWrite() && !PhysicalSql.inTransaction(physical)) {
            // A full disk, an I/O error, ON CONFLICT ROLLBACK, ...: what runs next would run outside any transaction.
            transaction.failed(ex);
            this.writer.coalescer().checkOpen(physical, ex);
            if (transaction.isBySql()) {
                end(transaction, false);
            }
        }
    }

    /**
     * A {@code COMMIT} or {@code ROLLBACK} run as SQL in a write transaction: in a group, it is carried out for
     * that transaction alone instead of for the group.
     * @return {@code true} when it was carried out, and the statement is not to run
     */
    boolean endInGroup(RoutedTransaction transaction, @Nullable String sql) throws SQLException {
        if (!transaction.isWrite() || !transaction.isInGroup()) {
            return false;
        }
        if (sql != null && sql.strip().toUpperCase(java.util.Locale.ROOT).startsWith("ROLLBACK")) {
            end(transaction, true);
        } else {
            commit();
        }
        return true;
    }

    /** After a {@code COMMIT} or {@code ROLLBACK} the application ran itself, a group it ended is gone. */
    void endedBySql(RoutedTransaction transaction) {
        if (transaction.isWrite()) {
            this.writer.coalescer().closeIfEnded(transaction.binding().physical());
        }
    }

    void commit() throws SQLException {
        RoutedTransaction transaction = this.current;
        if (transaction == null) {
            return;
        }
        transaction.checkUsable();
        transaction.binding().detachAll();
        if (!transaction.isBegun()) {
            end(transaction, false);
            return;
        }
        CommitCoalescer.CommitUnit unit = transaction.unit();
        if (transaction.isWrite() && unit != null) {
            commitInGroup(transaction, unit);
            return;
        }
        try {
            PhysicalSql.run(transaction.binding().physical(), "COMMIT");
        } catch (SQLException ex) {
            // A COMMIT refused (a deferred foreign key, another process's lock) leaves the transaction open to a
            // rollback; one that SQLite answered by rolling back has nothing left to end.
            if (!transaction.isWrite()
                    || !PhysicalSql.inTransaction(transaction.binding().physical())) {
                end(transaction, false);
            }
            throw ex;
        }
        end(transaction, false);
    }

    /** Done: the work joins the open group; once the lease is given back, wait for the group's COMMIT. */
    private void commitInGroup(RoutedTransaction transaction, CommitCoalescer.CommitUnit unit) throws SQLException {
        Connection physical = transaction.binding().physical();
        CommitGroup group;
        try {
            group = this.writer.coalescer().done(physical, unit);
        } catch (SQLException ex) {
            // Refused without coalescing (a deferred foreign key): left open to a rollback, as on plain SQLite.
            if (!PhysicalSql.inTransaction(physical)) {
                end(transaction, false);
            }
            throw ex;
        }
        long since = System.nanoTime();
        if (group != null) {
            this.held.commitIfLeaseShared();
        }
        end(transaction, false);
        if (group != null) {
            this.writer.awaitCommit(group, since);
        }
    }

    void rollback() {
        RoutedTransaction transaction = this.current;
        if (transaction != null) {
            end(transaction, true);
        }
    }

    /** End the transaction and give its connection back; with {@code rollBack}, roll it back first. */
    void end(RoutedTransaction ended, boolean rollBack) {
        this.current = null;
        ended.binding().detachAll();
        if (rollBack && ended.isBegun() && !ended.isPaused()) {
            CommitCoalescer.CommitUnit unit = ended.unit();
            if (ended.isWrite() && unit != null) {
                this.writer.coalescer().rollBack(ended.binding().physical(), unit);
            } else {
                try {
                    PhysicalSql.run(ended.binding().physical(), "ROLLBACK");
                } catch (SQLException ex) {
                    // "no transaction is active": SQLite had already rolled it back.
                }
            }
        }
        if (ended.isWrite()) {
            this.held.leaveLease();
        } else {
            JdbcUtils.closeConnection(ended.binding().physical());
            OpenReads.Read read = ended.read();
            if (read != null) {
                this.writer.readEnded(read);
            }
        }
    }

    // Savepoints

    Savepoint setSavepoint(RoutedTransaction transaction, @Nullable String name) throws SQLException {
        beginSqlite(transaction);
        String id = "sqlite_hybrid_sp_" + (++this.savepointCounter);
        PhysicalSql.run(transaction.binding().physical(), "SAVEPOINT " + id);
        transaction.savepoints().add(id);
        return new RoutedSavepoint(this.savepointCounter, name, id);
    }

    void rollbackTo(RoutedTransaction transaction, Savepoint savepoint) throws SQLException {
        String id = idOf(transaction, savepoint);
        PhysicalSql.run(transaction.binding().physical(), "ROLLBACK TO " + id);
        // Rolling back to a savepoint keeps it and drops the ones made after it.
        List<String> savepoints = transaction.savepoints();
        savepoints.subList(savepoints.indexOf(id) + 1, savepoints.size()).clear();
    }

    void releaseSavepoint(RoutedTransaction transaction, Savepoint savepoint) throws SQLException {
        String id = idOf(transaction, savepoint);
        PhysicalSql.run(transaction.binding().physical(), "RELEASE " + id);
        List<String> savepoints = transaction.savepoints();
        savepoints.subList(savepoints.indexOf(id), savepoints.size()).clear();
    }

    private static String idOf(RoutedTransaction transaction, Savepoint savepoint) throws SQLException {
        if (savepoint instanceof RoutedSavepoint routed
                && transaction.savepoints().contains(routed.id())) {
            return routed.id();
        }
        throw new SQLException("Savepoint " + savepoint + " is not in force in this transaction");
    }

    // Nested writes on the same thread (asked by the write lease, through the connection)

    /**
     * Pause the write transaction so that a nested write transaction of the same thread can run on the write
     * lease's connection: possible while it has only read, by committing what it read (nothing) and beginning
     * again when the nested one ends.
     * @return {@code false} when it cannot be paused (it wrote, holds savepoints or open result sets)
     */
    boolean pauseForNestedWrite() {
        RoutedTransaction transaction = this.current;
        if (transaction == null || this.held.hasOpenWrite() || !transaction.canPause()) {
            return false;
        }
        if (!transaction.isBegun()) {
            // Nothing ran yet, so nothing was read: nothing to commit now, nothing to check later.
            transaction.paused(0, false);
            return true;
        }
        Connection physical = transaction.binding().physical();
        try {
            long version = PhysicalSql.dataVersion(physical);
            CommitCoalescer.CommitUnit unit = transaction.unit();
            if (unit != null) {
                this.writer.coalescer().pause(physical, unit);
            } else {
                PhysicalSql.run(physical, "COMMIT");
            }
            transaction.paused(version, true);
            return true;
        } catch (SQLException ex) {
            return false;
        }
    }

    /**
     * Begin the paused transaction again. If another connection wrote to the database meanwhile, what it read may
     * be stale: it fails at its next statement with {@code SQLITE_BUSY_SNAPSHOT}, a lock error that
     * {@code @DbRetry} retries, as the same transaction would without the single writer.
     */
    void resumeAfterNestedWrite() {
        RoutedTransaction transaction = this.current;
        if (transaction == null || !transaction.isPaused()) {
            return;
        }
        transaction.resumed();
        if (!transaction.isBegun()) {
            return;
        }
        Connection physical = transaction.binding().physical();
        try {
            transaction.begun(this.writer.begin(physical, transaction.name()));
            if (PhysicalSql.dataVersion(physical) != transaction.dataVersion()) {
                transaction.failed(this.writer.translate(staleAfterPause(transaction)));
            }
        } catch (SQLException | RuntimeException ex) {
            transaction.failed((ex instanceof SQLException sql) ? sql : new SQLException(ex));
        }
    }

    private SQLException staleAfterPause(RoutedTransaction transaction) {
        return new SQLiteException(
                "[SQLITE_BUSY_SNAPSHOT] Another connection wrote to "
                        + this.writer.turn().database() + " while "
                        + transaction.name() + " was paused for a nested write transaction of its own thread;"
                        + " what it read may be stale, so it must run again",
                SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);
    }
}
