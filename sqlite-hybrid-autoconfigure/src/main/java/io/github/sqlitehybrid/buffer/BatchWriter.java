package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrite.Step;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * reused prepared statement. Only when a row is refused (a constraint, a type) is that work rolled back and the
 * batch run again with a {@code SAVEPOINT} around each pending write, the SAVEPOINT, RELEASE and ROLLBACK TO
 * statements prepared once: a refused write is rolled back to its savepoint and set aside, the rest commits.
 * A refusal that ends the whole transaction ({@code ON CONFLICT ROLLBACK}, {@code RAISE(ROLLBACK)}) starts
 * that careful run over without the writes refused so far.
 *
 * <p>Lock errors and failures of the database itself (I/O, disk full, a closed connection) are not a row's
 * fault: they roll everything back and go up, so the caller can retry the batch or keep it pending.
 */
final class BatchWriter {

    private static final Log logger = LogFactory.getLog(BatchWriter.class);

    // IMMEDIATE takes the write lock first, under the busy timeout, so no statement meets a lock mid-batch.
    private static final String BEGIN = "BEGIN IMMEDIATE";

    private static final String COMMIT = "COMMIT";

    private static final String ROLLBACK = "ROLLBACK";

    private static final String SAVEPOINT = "SAVEPOINT sqlite_hybrid_write_buffer";

    private static final String RELEASE = "RELEASE sqlite_hybrid_write_buffer";

    private static final String ROLLBACK_TO = "ROLLBACK TO sqlite_hybrid_write_buffer";

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
        List<List<Step>> steps = new ArrayList<>(batch.size());
        for (PendingWrite write : batch) {
            List<Step> writeSteps = new ArrayList<>(2);
            write.addSteps(writeSteps);
            steps.add(writeSteps);
        }
        Connection connection = this.dataSource.getConnection();
        boolean autoCommit = true;
        Statements statements = new Statements(connection);
        try {
            // The transaction is begun and ended by statements, not by the driver: sqlite-jdbc's commit() runs
            // COMMIT then BEGIN at once, so its failure would not say whether the rows were committed, and a
            // retry could write them twice. A failed COMMIT statement has committed nothing.
            autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            statements.execute(BEGIN);
            boolean open = true;
            try {
                Map<PendingWrite, SQLException> refused = new LinkedHashMap<>();
                SQLException rowError = writeStraight(steps, statements);
                if (rowError != null) {
                    undo(statements);
                    writeCarefully(batch, steps, statements, refused);
                }
                statements.execute(COMMIT);
                open = false;
                return refused;
            } catch (SQLException | RuntimeException | Error ex) {
                if (open) {
                    rollbackQuietly(statements, ex);
                }
                throw ex;
            }
        } finally {
            // Nothing here may fail the batch: after COMMIT its rows are durable and must not be written again.
            closeQuietly(statements, connection, autoCommit);
        }
    }

    /** Run every step; return the first row error, leaving the transaction to be undone, or {@code null}. */
    private @Nullable SQLException writeStraight(List<List<Step>> steps, Statements statements) throws SQLException {
        PreparedStatement current = null;
        String currentSql = null;
        int queued = 0;
        try {
            for (List<Step> writeSteps : steps) {
                for (Step step : writeSteps) {
                    if (!step.sql().equals(currentSql)) {
                        if (queued > 0) {
                            current.executeBatch();
                            queued = 0;
                        }
                        current = statements.prepare(step.sql());
                        currentSql = step.sql();
                    }
                    bind(current, step.parameters());
                    current.addBatch();
                    queued++;
                }
            }
            if (queued > 0) {
                current.executeBatch();
            }
            return null;
        } catch (SQLException ex) {
            if (current != null) {
                current.clearBatch();
            }
            if (isRowError(ex)) {
                return ex;
            }
            throw ex;
        }
    }

    private void writeCarefully(
            List<PendingWrite> batch,
            List<List<Step>> steps,
            Statements statements,
            Map<PendingWrite, SQLException> refused)
            throws SQLException {
        PreparedStatement savepoint = statements.prepare(SAVEPOINT);
        PreparedStatement release = statements.prepare(RELEASE);
        PreparedStatement rollbackTo = statements.prepare(ROLLBACK_TO);
        run:
        while (true) {
            for (int i = 0; i < batch.size(); i++) {
                PendingWrite write = batch.get(i);
                if (refused.containsKey(write)) {
                    continue;
                }
                savepoint.execute();
                try {
                    for (Step step : steps.get(i)) {
                        PreparedStatement statement = statements.prepare(step.sql());
                        bind(statement, step.parameters());
                        statement.executeUpdate();
                    }
                    release.execute();
                } catch (SQLException ex) {
                    if (!isRowError(ex)) {
                        throw ex;
                    }
                    refused.put(write, ex);
                    try {
                        rollbackTo.execute();
                        release.execute();
                    } catch (SQLException transactionEnded) {
                        // The refusal ended the transaction and its savepoints: start over without the refused.
                        undo(statements);
                        continue run;
                    }
                }
            }
            return;
        }
    }

    /**
     * Roll back everything written in this transaction and begin a new one. The database may have ended the
     * transaction already ({@code RAISE(ROLLBACK)}, {@code ON CONFLICT ROLLBACK}); then ROLLBACK fails and BEGIN
     * succeeds. When BEGIN fails too, the transaction could not be rolled back: the batch fails.
     */
    private static void undo(Statements statements) throws SQLException {
        SQLException rollbackFailed = null;
        try {
            statements.execute(ROLLBACK);
        } catch (SQLException ex) {
            rollbackFailed = ex;
        }
        try {
            statements.execute(BEGIN);
        } catch (SQLException beginFailed) {
            if (rollbackFailed != null) {
                beginFailed.addSuppressed(rollbackFailed);
            }
            throw beginFailed;
        }
    }

    /** A refusal of this row's statement or values, as opposed to a lock or a failure of the database. */
    private boolean isRowError(SQLException ex) {
        if (this.classifier.isLockError(ex)) {
            return false;
        }
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

    private static void rollbackQuietly(Statements statements, Throwable failure) {
        try {
            statements.execute(ROLLBACK);
        } catch (SQLException ex) {
            // Already ended by the database, or the connection is gone: the failure that got here is what counts.
            failure.addSuppressed(ex);
        }
    }

    private static void closeQuietly(Statements statements, Connection connection, boolean autoCommit) {
        try {
            statements.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the write buffer's statements", ex);
        }
        try {
            if (!autoCommit) {
                connection.setAutoCommit(false);
            }
        } catch (SQLException ex) {
            logger.debug("Could not restore the connection's auto-commit mode", ex);
        }
        try {
            connection.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the write buffer's connection", ex);
        }
    }

    /** Prepared statements of one transaction, one per distinct SQL, closed together. */
    private static final class Statements implements AutoCloseable {

        private final Connection connection;

        private final Map<String, PreparedStatement> prepared = new HashMap<>();

        Statements(Connection connection) {
            this.connection = connection;
        }

        void execute(String sql) throws SQLException {
            prepare(sql).execute();
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement = this.prepared.get(sql);
            if (statement == null) {
                statement = this.connection.prepareStatement(sql);
                this.prepared.put(sql, statement);
            }
            return statement;
        }

        @Override
        public void close() throws SQLException {
            SQLException failure = null;
            for (Statement statement : this.prepared.values()) {
                try {
                    statement.close();
                } catch (SQLException ex) {
                    if (failure == null) {
                        failure = ex;
                    } else {
                        failure.addSuppressed(ex);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
