package io.github.sqlitehybrid.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * How a batch's transaction begins and ends on one database ({@link Dialect}): on SQLite {@code BEGIN IMMEDIATE}
 * and {@code COMMIT} statements, with {@code SAVEPOINT} statements prepared once; elsewhere standard JDBC,
 * {@code setAutoCommit(false)}, {@code commit()}, {@code rollback()} and {@link Savepoint}s. Either way the
 * connection's auto-commit mode can be put back as the transaction found it.
 */
abstract sealed class BatchTransaction {

    private BatchTransaction() {}

    /**
     * The transaction for the connection's database, not yet begun.
     * @param dialect the connection's database
     * @param connection the batch's connection
     * @param statements the batch's prepared statements, which SQLite's transaction statements join
     * @return the transaction
     */
    static BatchTransaction of(Dialect dialect, Connection connection, BatchStatements statements) {
        return (dialect == Dialect.SQLITE)
                ? new SqliteTransaction(connection, statements)
                : new JdbcTransaction(connection);
    }

    /** Begin, remembering the connection's auto-commit mode. */
    abstract void begin() throws SQLException;

    /** Roll back everything written in this transaction and begin a new one. */
    abstract void undo() throws SQLException;

    abstract void commit() throws SQLException;

    abstract void rollback() throws SQLException;

    abstract Object savepoint() throws SQLException;

    abstract void release(Object savepoint) throws SQLException;

    /** Roll back to the savepoint and release it. */
    abstract void rollbackTo(Object savepoint) throws SQLException;

    /** Put the connection's auto-commit mode back as {@link #begin()} found it. */
    abstract void restore() throws SQLException;

    /**
     * SQLite: the transaction is begun and ended by statements, not by the driver: sqlite-jdbc's commit() runs
     * COMMIT then BEGIN at once, so its failure would not say whether the rows were committed, and a retry could
     * write them twice. A failed COMMIT statement has committed nothing.
     */
    private static final class SqliteTransaction extends BatchTransaction {

        // IMMEDIATE takes the write lock first, under the busy timeout, so no statement meets a lock mid-batch.
        private static final String BEGIN = "BEGIN IMMEDIATE";

        private static final String COMMIT = "COMMIT";

        private static final String ROLLBACK = "ROLLBACK";

        private static final String SAVEPOINT = "SAVEPOINT sqlite_hybrid_write_buffer";

        private static final String RELEASE = "RELEASE sqlite_hybrid_write_buffer";

        private static final String ROLLBACK_TO = "ROLLBACK TO sqlite_hybrid_write_buffer";

        private final Connection connection;

        private final BatchStatements statements;

        private boolean autoCommit = true;

        SqliteTransaction(Connection connection, BatchStatements statements) {
            this.connection = connection;
            this.statements = statements;
        }

        @Override
        void begin() throws SQLException {
            this.autoCommit = this.connection.getAutoCommit();
            if (!this.autoCommit) {
                this.connection.setAutoCommit(true);
            }
            this.statements.execute(BEGIN);
        }

        /**
         * The database may have ended the transaction already ({@code RAISE(ROLLBACK)}, {@code ON CONFLICT
         * ROLLBACK}); then ROLLBACK fails and BEGIN succeeds. When BEGIN fails too, the transaction could not be
         * rolled back: the batch fails.
         */
        @Override
        void undo() throws SQLException {
            SQLException rollbackFailed = null;
            try {
                this.statements.execute(ROLLBACK);
            } catch (SQLException ex) {
                rollbackFailed = ex;
            }
            try {
                this.statements.execute(BEGIN);
            } catch (SQLException beginFailed) {
                if (rollbackFailed != null) {
                    beginFailed.addSuppressed(rollbackFailed);
                }
                throw beginFailed;
            }
        }

        @Override
        void commit() throws SQLException {
            this.statements.execute(COMMIT);
        }

        @Override
        void rollback() throws SQLException {
            this.statements.execute(ROLLBACK);
        }

        @Override
        Object savepoint() throws SQLException {
            this.statements.execute(SAVEPOINT);
            return SAVEPOINT;
        }

        @Override
        void release(Object savepoint) throws SQLException {
            this.statements.execute(RELEASE);
        }

        @Override
        void rollbackTo(Object savepoint) throws SQLException {
            this.statements.execute(ROLLBACK_TO);
            this.statements.execute(RELEASE);
        }

        @Override
        void restore() throws SQLException {
            if (!this.autoCommit) {
                this.connection.setAutoCommit(false);
            }
        }
    }

    /** Any other database: a standard JDBC transaction. */
    private static final class JdbcTransaction extends BatchTransaction {

        private final Connection connection;

        private boolean autoCommit = true;

        JdbcTransaction(Connection connection) {
            this.connection = connection;
        }

        @Override
        void begin() throws SQLException {
            this.autoCommit = this.connection.getAutoCommit();
            if (this.autoCommit) {
                this.connection.setAutoCommit(false);
            }
        }

        @Override
        void undo() throws SQLException {
            // The next statement begins the next transaction.
            this.connection.rollback();
        }

        @Override
        void commit() throws SQLException {
            this.connection.commit();
        }

        @Override
        void rollback() throws SQLException {
            this.connection.rollback();
        }

        @Override
        Object savepoint() throws SQLException {
            return this.connection.setSavepoint();
        }

        @Override
        void release(Object savepoint) throws SQLException {
            this.connection.releaseSavepoint((Savepoint) savepoint);
        }

        @Override
        void rollbackTo(Object savepoint) throws SQLException {
            this.connection.rollback((Savepoint) savepoint);
            this.connection.releaseSavepoint((Savepoint) savepoint);
        }

        @Override
        void restore() throws SQLException {
            if (this.autoCommit) {
                // Ended by commit() or rollback() already: switching back commits nothing.
                this.connection.setAutoCommit(true);
            }
        }
    }
}
