package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Write transactions that ended under the write turn and share one open SQLite transaction on the writer's
 * connection, waiting for the COMMIT that makes them durable. State only, behind one short lock; the
 * {@link CommitCoalescer} runs the SQL.
 *
 * <p>Only the holder of the write turn adds transactions and completes the group; the transactions' threads wait
 * for it, each after giving the turn back.
 */
final class CommitGroup {

    private final Connection physical;

    private final long openedAt = System.nanoTime();

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition completed = this.lock.newCondition();

    /** Written by the holder of the turn only; its waiters read it after {@link #complete}, under the lock. */
    private int transactions;

    private boolean done;

    private @Nullable SQLException failure;

    CommitGroup(Connection physical) {
        this.physical = physical;
    }

    Connection physical() {
        return this.physical;
    }

    int transactions() {
        return this.transactions;
    }

    long ageNanos(long now) {
        return now - this.openedAt;
    }

    /** A transaction ended in the group: its work is in the open SQLite transaction, waiting for the COMMIT. */
    void join() {
        this.transactions++;
    }

    /** The COMMIT succeeded, or failed with {@code failure}: wake every transaction waiting for it. */
    void complete(@Nullable SQLException failure) {
        this.lock.lock();
        try {
            this.done = true;
            this.failure = failure;
            this.completed.signalAll();
        } finally {
            this.lock.unlock();
        }
    }

    boolean isDone() {
        this.lock.lock();
        try {
            return this.done;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * Wait for the COMMIT, at most {@code nanos}. An interrupt does not end the wait, for the same reason as at the
     * write turn: the outcome is not known before the COMMIT. It is kept and set again on return.
     * @return {@code false} when the time ran out first
     * @throws SQLException the COMMIT's failure, for this transaction's thread
     */
    boolean await(long nanos) throws SQLException {
        boolean interrupted = false;
        this.lock.lock();
        try {
            long left = nanos;
            while (!this.done && left > 0) {
                try {
                    left = this.completed.awaitNanos(left);
                } catch (InterruptedException ex) {
                    interrupted = true;
                }
            }
            if (!this.done) {
                return false;
            }
            SQLException cause = this.failure;
            if (cause != null) {
                throw failureFor(cause, this.transactions);
            }
            return true;
        } finally {
            this.lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Each waiting thread gets an exception of its own, of the COMMIT's type and code, so that retries judge it. */
    private static SQLException failureFor(SQLException cause, int transactions) {
        String message = "The COMMIT shared by " + transactions + " write transactions failed, and none of them"
                + " was committed: " + cause.getMessage();
        SQLException failure = (cause instanceof SQLiteException sqlite)
                ? new SQLiteException(message, sqlite.getResultCode())
                : new SQLException(message, cause.getSQLState(), cause.getErrorCode());
        failure.initCause(cause);
        return failure;
    }

    /** How often a transaction's thread waiting for the COMMIT looks whether anybody is left to issue it. */
    static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** The failure of a group whose SQLite transaction SQLite itself rolled back. */
    static SQLException rolledBackBySqlite(String database, int transactions, SQLException cause) {
        SQLiteException failure = new SQLiteException(
                "SQLite rolled back the transaction that " + transactions + " earlier write transactions on " + database
                        + " were waiting to commit, after: " + cause.getMessage(),
                (cause instanceof SQLiteException sqlite) ? sqlite.getResultCode() : SQLiteErrorCode.SQLITE_ABORT);
        failure.initCause(cause);
        return failure;
    }
}
