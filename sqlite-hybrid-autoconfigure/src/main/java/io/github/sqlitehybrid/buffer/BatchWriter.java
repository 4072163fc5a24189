package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrite.Keyed;
import io.github.sqlitehybrid.buffer.PendingWrite.RowIdentity;
import io.github.sqlitehybrid.buffer.PendingWrite.Step;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Writes one batch of pending writes in one transaction, so that a row the database refuses does not sink
 * the others.
 *
 * <p>The batch first runs straight through, consecutive statements of one shape sent as one JDBC batch on one
 * reused prepared statement. Only when a row is refused (a constraint, a value) is that work rolled back and the
 * batch run again with a savepoint around each pending write: a refused write is rolled back to its savepoint and
 * set aside, the rest commits. A refusal that ends the whole transaction (SQLite's {@code ON CONFLICT ROLLBACK},
 * {@code RAISE(ROLLBACK)}) starts that careful run over without the writes refused so far. On PostgreSQL, where
 * a failed statement aborts the transaction until it is rolled back, the savepoint is what lets the rest go on.
 *
 * <p>The transaction follows the connection's database ({@link BatchTransaction}), and the connection's
 * auto-commit mode is restored before it goes back to the pool.
 *
 * <p>Lock errors and failures of the database itself (I/O, disk full, a closed connection) are not a row's
 * fault: they roll everything back and go up, so the caller can retry the batch or keep it pending.
 */
final class BatchWriter {

    private static final Log logger = LogFactory.getLog(BatchWriter.class);

    private final DataSource dataSource;

    private final LockErrorClassifier classifier;

    BatchWriter(DataSource dataSource, LockErrorClassifier classifier) {
        this.dataSource = dataSource;
        this.classifier = classifier;
    }

    /**
     * Write the batch and commit.
     * @param batch pending writes, in the order to apply them
     * @return the refused writes with their errors, in batch order; every other write is committed
     * @throws SQLException when nothing was committed: a lock error, a failure of the database
     */
    Map<PendingWrite, SQLException> write(List<PendingWrite> batch) throws SQLException {
        List<List<Step>> steps = steps(batch);
        Connection connection = this.dataSource.getConnection();
        BatchStatements statements = new BatchStatements(connection);
        BatchTransaction transaction = null;
        try {
            Dialect dialect = Dialect.of(connection);
            transaction = BatchTransaction.of(dialect, connection, statements);
            transaction.begin();
            return writeAndCommit(batch, steps, statements, transaction, dialect);
        } finally {
            // Nothing here may fail the batch: after COMMIT its rows are durable and must not be written again.
            closeQuietly(statements, transaction, connection);
        }
    }

    /** Each pending write's statements, fixed before the transaction begins. */
    private static List<List<Step>> steps(List<PendingWrite> batch) {
        List<List<Step>> steps = new ArrayList<>(batch.size());
        for (PendingWrite write : batch) {
            List<Step> writeSteps = new ArrayList<>(2);
            write.addSteps(writeSteps);
            steps.add(writeSteps);
        }
        return steps;
    }

    /** Write the batch in the begun transaction and commit, or roll back and fail. */
    private Map<PendingWrite, SQLException> writeAndCommit(
            List<PendingWrite> batch,
            List<List<Step>> steps,
            BatchStatements statements,
            BatchTransaction transaction,
            Dialect dialect)
            throws SQLException {
        boolean open = true;
        try {
            Map<PendingWrite, SQLException> refused = new LinkedHashMap<>();
            SQLException rowError = writeStraight(batch, steps, statements, dialect);
            if (rowError != null) {
                transaction.undo();
                writeCarefully(batch, steps, statements, transaction, dialect, refused);
            }
            transaction.commit();
            open = false;
            return refused;
        } catch (SQLException | RuntimeException | Error ex) {
            if (open) {
                rollbackQuietly(transaction, ex);
            }
            throw ex;
        }
    }

    /** Run every step; return the first row error, leaving the transaction to be undone, or {@code null}. */
    private @Nullable SQLException writeStraight(
            List<PendingWrite> batch, List<List<Step>> steps, BatchStatements statements, Dialect dialect)
            throws SQLException {
        JdbcBatches batches = new JdbcBatches(statements);
        try {
            for (int i = 0; i < batch.size(); i++) {
                RowIdentity row = (batch.get(i) instanceof Keyed keyed) ? keyed.identity : null;
                batches.startWrite(row);
                for (Step step : steps.get(i)) {
                    batches.add(step, row);
                }
            }
            batches.finish();
            return null;
        } catch (SQLException ex) {
            batches.clear();
            if (isRowError(ex, dialect)) {
                return ex;
            }
            throw ex;
        }
    }

    /** Write each write not refused yet in a savepoint, setting aside the refused, until a run gets through. */
    private void writeCarefully(
            List<PendingWrite> batch,
            List<List<Step>> steps,
            BatchStatements statements,
            BatchTransaction transaction,
            Dialect dialect,
            Map<PendingWrite, SQLException> refused)
            throws SQLException {
        while (!writeEachInSavepoint(batch, steps, statements, transaction, dialect, refused)) {
            // The refusal ended the transaction and its savepoints: start over without the refused.
            transaction.undo();
        }
    }

    /** One careful run: {@code false} when a refusal ended the transaction, so the run must start over. */
    private boolean writeEachInSavepoint(
            List<PendingWrite> batch,
            List<List<Step>> steps,
            BatchStatements statements,
            BatchTransaction transaction,
            Dialect dialect,
            Map<PendingWrite, SQLException> refused)
            throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            if (refused.containsKey(write)) {
                continue;
            }
            Object savepoint = transaction.savepoint();
            try {
                executeEach(steps.get(i), statements);
                transaction.release(savepoint);
            } catch (SQLException ex) {
                if (!isRowError(ex, dialect)) {
                    throw ex;
                }
                refused.put(write, ex);
                if (!rolledBackTo(transaction, savepoint)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void executeEach(List<Step> steps, BatchStatements statements) throws SQLException {
        for (Step step : steps) {
            PreparedStatement statement = statements.prepare(step.sql());
            bind(statement, step.parameters());
            statement.executeUpdate();
        }
    }

    /** Roll back to the savepoint: {@code false} when the database has ended the transaction and its savepoints. */
    private static boolean rolledBackTo(BatchTransaction transaction, Object savepoint) {
        try {
            transaction.rollbackTo(savepoint);
            return true;
        } catch (SQLException ex) {
            return false;
        }
    }

    /** A refusal of this row's statement or values, as opposed to a lock or a failure of the database. */
    private boolean isRowError(SQLException ex, Dialect dialect) {
        if (this.classifier.isLockError(ex)) {
            return false;
        }
        if (dialect == Dialect.SQLITE) {
            return isSqliteRowError(ex);
        }
        String state = sqlState(ex);
        if (state == null || state.length() != 5) {
            return false;
        }
        String category = state.substring(0, 2);
        return switch (category) {
            // data exception (a value out of range, too long, malformed), integrity constraint violation,
            // WITH CHECK OPTION violation
            case "22", "23", "44" -> true;
            // A statement the schema no longer allows (a column dropped or retyped since validation); a missing
            // privilege is no row's fault and keeps the batch pending until it is granted.
            case "42" -> !state.equals("42501");
            // PL/pgSQL RAISE in a trigger: the table's own code refused the row.
            case "P0" -> state.equals("P0001");
            default -> false;
        };
    }

    private static @Nullable String sqlState(SQLException ex) {
        for (SQLException next = ex; next != null; next = next.getNextException()) {
            for (Throwable cause = next; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                    return sql.getSQLState();
                }
            }
        }
        return null;
    }

    private static boolean isSqliteRowError(SQLException ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                SQLiteErrorCode code = sqlite.getResultCode();
                int primary = (code != null && code != SQLiteErrorCode.UNKNOWN_ERROR)
                        ? code.code & 0xFF
                        : sqlite.getErrorCode() & 0xFF;
                return primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code
                        || primary == SQLiteErrorCode.SQLITE_MISMATCH.code
                        || primary == SQLiteErrorCode.SQLITE_TOOBIG.code
                        || primary == SQLiteErrorCode.SQLITE_RANGE.code
                        // A statement the schema no longer allows: a column or table dropped since validation.
                        || primary == SQLiteErrorCode.SQLITE_ERROR.code;
            }
        }
        return false;
    }

    private static void bind(PreparedStatement statement, @Nullable Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            int index = i + 1;
            if (value == null) {
                statement.setNull(index, Types.NULL);
            } else if (value instanceof String text) {
                statement.setString(index, text);
            } else if (value instanceof Long number) {
                statement.setLong(index, number);
            } else if (value instanceof Integer number) {
                statement.setInt(index, number);
            } else if (value instanceof Double number) {
                statement.setDouble(index, number);
            } else if (value instanceof BigDecimal number) {
                statement.setBigDecimal(index, number);
            } else {
                statement.setObject(index, value);
            }
        }
    }

    private static void rollbackQuietly(BatchTransaction transaction, Throwable failure) {
        try {
            transaction.rollback();
        } catch (SQLException ex) {
            // Already ended by the database, or the connection is gone: the failure that got here is what counts.
            failure.addSuppressed(ex);
        }
    }

    private static void closeQuietly(
            BatchStatements statements, @Nullable BatchTransaction transaction, Connection connection) {
        try {
            statements.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the write buffer's statements", ex);
        }
        if (transaction != null) {
            try {
                transaction.restore();
            } catch (SQLException ex) {
                logger.debug("Could not restore the connection's auto-commit mode", ex);
            }
        }
        try {
            connection.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the write buffer's connection", ex);
        }
    }

    /**
     * The JDBC batches of one straight run: consecutive steps of one SQL text queued on one prepared statement and
     * sent together. A step of another text, or a second write of a row already queued, sends the queue first.
     */
    private static final class JdbcBatches {

        private final BatchStatements statements;

        // Rows in the JDBC batch being built: a second write of one row starts a new JDBC batch, so a driver that
        // rewrites a batch into one multi-row statement never meets one row twice in it.
        private final Set<RowIdentity> rows = new HashSet<>();

        private @Nullable PreparedStatement current;

        private @Nullable String currentSql;

        private int queued;

        JdbcBatches(BatchStatements statements) {
            this.statements = statements;
        }

        /** Begin a pending write's steps: if its row is queued already, send the queue first. */
        void startWrite(@Nullable RowIdentity row) throws SQLException {
            if (row != null && !this.rows.add(row) && this.queued > 0 && this.current != null) {
                send(this.current, row);
            }
        }

        /** Queue a step of the pending write of the given row, sending the queue first if its SQL differs. */
        void add(Step step, @Nullable RowIdentity row) throws SQLException {
            PreparedStatement statement = this.current;
            if (statement == null || !step.sql().equals(this.currentSql)) {
                if (this.queued > 0 && statement != null) {
                    send(statement, row);
                }
                statement = this.statements.prepare(step.sql());
                this.current = statement;
                this.currentSql = step.sql();
            }
            bind(statement, step.parameters());
            statement.addBatch();
            this.queued++;
        }

        /** Send what is queued. */
        void finish() throws SQLException {
            if (this.queued > 0 && this.current != null) {
                send(this.current, null);
            }
        }

        /** Drop what is queued, after a failure. */
        void clear() throws SQLException {
            if (this.current != null) {
                this.current.clearBatch();
            }
        }

        /** Send the queue; the row being written, if any, is the first of the next one. */
        private void send(PreparedStatement queuedOn, @Nullable RowIdentity row) throws SQLException {
            queuedOn.executeBatch();
            this.queued = 0;
            this.rows.clear();
            if (row != null) {
                this.rows.add(row);
            }
        }
    }
}
