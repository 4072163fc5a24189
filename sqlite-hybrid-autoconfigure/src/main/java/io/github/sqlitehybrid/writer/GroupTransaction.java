package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs a group of units in one transaction on the writer's connection: {@code BEGIN IMMEDIATE}, each unit in its
 * own savepoint, {@code COMMIT}, inside the single writer's write turn when there is one. If the transaction
 * cannot begin, breaks or fails to commit, none of its units is done: those that had succeeded get its failure.
 * Callers hear of their unit only once the turn is given back.
 *
 * <p>Groups run on the writer's thread only.
 */
final class GroupTransaction {

    // Logged as the writer: its name is the one applications configure.
    private static final Log logger = LogFactory.getLog(GroupCommitWriter.class);

    private final GroupCommitConnection connection;

    private final JdbcTemplate jdbc;

    /** The single writer's turn, taken around each transaction; {@code null} without it. */
    private final @Nullable WriteTurn turn;

    private final Duration turnTimeout;

    private final LockErrorClassifier lockErrorClassifier;

    private final GroupCommitTracker tracker;

    /** Units whose outcome is known, completed once the transaction has given the turn back. */
    private final List<PendingUnit<?>> finished = new ArrayList<>();

    /**
     * Create a transaction runner for one writer connection.
     * @param connection the writer's connection
     * @param turn the single writer's turn, or {@code null} without the single writer
     * @param turnTimeout how long a group waits for the turn
     * @param lockErrorClassifier recognises lock errors, of units and of the transaction
     * @param tracker told of each transaction
     */
    GroupTransaction(
            GroupCommitConnection connection,
            @Nullable WriteTurn turn,
            Duration turnTimeout,
            LockErrorClassifier lockErrorClassifier,
            GroupCommitTracker tracker) {
        this.connection = connection;
        this.jdbc = connection.jdbc();
        this.turn = turn;
        this.turnTimeout = turnTimeout;
        this.lockErrorClassifier = lockErrorClassifier;
        this.tracker = tracker;
    }

    /** Whether the calling thread holds the write turn the groups wait for; safe from any thread. */
    boolean isTurnHeldByCurrentThread() {
        WriteTurn writeTurn = this.turn;
        return writeTurn != null && writeTurn.isHeldByCurrentThread();
    }

    /**
     * Run every unit of the group, in as few transactions as it takes: one, unless a transaction ends early, when
     * the units after the one that broke it run in the next. Every unit is completed on return.
     * @param group units taken off the queue together, in queue order
     */
    void run(List<PendingUnit<?>> group) {
        int from = 0;
        while (from < group.size()) {
            from = runTransaction(group, from);
        }
    }

    /**
     * Take the turn and run units from {@code from} in one transaction.
     * @return the index of the first unit not run: the group's size, unless the transaction broke early
     */
    private int runTransaction(List<PendingUnit<?>> group, int from) {
        int size = group.size();
        int next = from;
        while (next < size && group.get(next).isDone()) {
            next++; // cancelled before it started
        }
        if (next == size) {
            return size;
        }
        this.tracker.transactionStarted();
        WriteTurn.@Nullable Holder held;
        try {
            held = acquireTurn();
        } catch (SQLException ex) {
            failGroup(
                    group.subList(next, size),
                    List.of(),
                    translate("Waiting for the write turn", "BEGIN IMMEDIATE", ex));
            completeFinished();
            return size;
        }
        try {
            return runUnits(group, next);
        } finally {
            releaseTurn(held);
            completeFinished();
        }
    }

    private WriteTurn.@Nullable Holder acquireTurn() throws SQLException {
        WriteTurn writeTurn = this.turn;
        // With the single writer, the group waits its turn like any write transaction of the application.
        return (writeTurn != null) ? writeTurn.acquire("group commit", this.turnTimeout) : null;
    }

    private void releaseTurn(WriteTurn.@Nullable Holder held) {
        WriteTurn writeTurn = this.turn;
        if (writeTurn != null && held != null) {
            writeTurn.release(held);
        }
    }

    /** BEGIN IMMEDIATE, each unit in its savepoint, COMMIT; returns as {@link #runTransaction}. */
    private int runUnits(List<PendingUnit<?>> group, int first) {
        int size = group.size();
        try {
            this.connection.begin();
        } catch (SQLException ex) {
            DataAccessException failure =
                    translate("Beginning a group commit of " + (size - first) + " units", "BEGIN IMMEDIATE", ex);
            failGroup(group.subList(first, size), List.of(), failure);
            return size;
        }
        List<PendingUnit<?>> succeeded = new ArrayList<>(size - first);
        List<PendingUnit<?>> failed = new ArrayList<>();
        for (int next = first; next < size; next++) {
            PendingUnit<?> pending = group.get(next);
            if (!pending.isDone() && !runInSavepoint(pending, succeeded, failed)) {
                return next + 1;
            }
        }
        commit(succeeded, failed);
        return size;
    }

    /**
     * Run one unit in its savepoint, rolled back to it if the unit throws, and sort it into succeeded or failed.
     * @return whether the transaction goes on; if it ended under the unit, its units have failed
     */
    private boolean runInSavepoint(
            PendingUnit<?> pending, List<PendingUnit<?>> succeeded, List<PendingUnit<?>> failed) {
        String step = "SAVEPOINT group_commit_unit";
        try {
            this.connection.savepoint();
            pending.run(this.jdbc);
            if (pending.failure() != null) {
                step = "ROLLBACK TO group_commit_unit";
                this.connection.rollbackToSavepoint();
            }
            step = "RELEASE group_commit_unit";
            this.connection.releaseSavepoint();
        } catch (SQLException ex) {
            endedEarly(pending, step, ex, succeeded, failed);
            return false;
        }
        Throwable failure = pending.failure();
        if (failure != null) {
            failed.add(pending);
            noteLockError(failure);
        } else {
            succeeded.add(pending);
        }
        return true;
    }

    /** The transaction ended under us (SQLite rolls back on some errors, or a unit ran COMMIT). */
    private void endedEarly(
            PendingUnit<?> pending,
            String step,
            SQLException ex,
            List<PendingUnit<?>> succeeded,
            List<PendingUnit<?>> failed) {
        this.connection.rollbackQuietly();
        DataAccessException failure =
                translate("Group commit transaction ended early, its units were rolled back", step, ex);
        pending.fail(failure);
        failed.add(pending);
        failGroup(succeeded, failed, failure);
    }

    private void commit(List<PendingUnit<?>> succeeded, List<PendingUnit<?>> failed) {
        long started = System.nanoTime();
        try {
            this.connection.commit();
        } catch (SQLException ex) {
            this.connection.rollbackQuietly();
            DataAccessException failure = translate(
                    "Committing a group of " + (succeeded.size() + failed.size()) + " units, none committed",
                    "COMMIT",
                    ex);
            failGroup(succeeded, failed, failure);
            return;
        }
        long took = System.nanoTime() - started;
        this.tracker.groupCommitted(succeeded.size(), failed.size(), took);
        this.finished.addAll(succeeded);
        this.finished.addAll(failed);
    }

    /**
     * End a group whose transaction failed: units that had succeeded get the failure; units that threw keep
     * their own exception.
     */
    private void failGroup(List<PendingUnit<?>> succeeded, List<PendingUnit<?>> failed, DataAccessException failure) {
        int units = succeeded.size() + failed.size();
        // A lock error here: another process held the lock past busy_timeout at BEGIN IMMEDIATE or COMMIT.
        int lockErrorUnits = this.lockErrorClassifier.isLockError(failure) ? succeeded.size() : 0;
        this.tracker.groupFailed(units, lockErrorUnits, failure);
        logger.debug("Group commit of " + units + " units failed", failure);
        for (PendingUnit<?> pending : succeeded) {
            if (!pending.isDone()) {
                pending.fail(failure);
                this.finished.add(pending);
            }
        }
        this.finished.addAll(failed);
    }

    /**
     * Complete the units whose outcome is known, after the turn is given back: a caller whose unit is done must find
     * the turn free.
     */
    private void completeFinished() {
        for (PendingUnit<?> pending : this.finished) {
            pending.complete();
        }
        this.finished.clear();
    }

    private void noteLockError(Throwable failure) {
        String code = this.lockErrorClassifier.lockErrorCode(failure);
        if (code != null && this.tracker.unitLockError()) {
            logger.warn("A group commit unit failed with a lock error (" + code + ") although the writer holds"
                    + " the write lock: does it use a connection other than the JdbcTemplate it is given? The"
                    + " unit was rolled back and its caller got the error (logged once)");
        }
    }

    private DataAccessException translate(String task, String sql, SQLException ex) {
        DataAccessException translated = this.jdbc.getExceptionTranslator().translate(task, sql, ex);
        return (translated != null) ? translated : new UncategorizedSQLException(task, sql, ex);
    }
}
