package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteConnection;

/**
 * The group commit writer's connection while one writer thread runs: its transaction control statements
 * prepared once, sqlite-jdbc's flags set for work inside the writer's own transactions, and the template units
 * get. {@link #close()} sets the flags back and gives the connection back to its DataSource.
 *
 * <p>Used by the writer's thread only, once set up on the caller's.
 */
final class GroupCommitConnection {

    // Logged as the writer: its name is the one applications configure.
    private static final Log logger = LogFactory.getLog(GroupCommitWriter.class);

    private final Connection handle;

    private final SQLiteConnection sqlite;

    private final boolean generatedKeys;

    private final List<PreparedStatement> controlStatements = new ArrayList<>();

    private final PreparedStatement begin;

    private final PreparedStatement commit;

    private final PreparedStatement rollback;

    private final PreparedStatement savepoint;

    private final PreparedStatement release;

    private final PreparedStatement rollbackToSavepoint;

    private final StatementCachingConnection unitConnection;

    private final JdbcTemplate jdbc;

    /**
     * Prepare the writer's statements, on the caller's thread so that a failure reaches the caller.
     * @param handle the connection as the DataSource gave it, in auto-commit mode, closed to give it back
     * @param sqlite the physical connection behind it, which the writer works on
     * @param statementCacheSize units' prepared statements kept for reuse; 0 turns reuse off
     * @throws SQLException if a statement cannot be prepared; the handle is left open
     */
    GroupCommitConnection(Connection handle, SQLiteConnection sqlite, int statementCacheSize) throws SQLException {
        this.handle = handle;
        this.sqlite = sqlite;
        try {
            this.begin = prepareControl("BEGIN IMMEDIATE");
            this.commit = prepareControl("COMMIT");
            this.rollback = prepareControl("ROLLBACK");
            this.savepoint = prepareControl("SAVEPOINT group_commit_unit");
            this.release = prepareControl("RELEASE group_commit_unit");
            this.rollbackToSavepoint = prepareControl("ROLLBACK TO group_commit_unit");
        } catch (SQLException ex) {
            closeControlStatements();
            throw ex;
        }
        // Both flags are set back before the connection returns to the pool.
        this.generatedKeys = sqlite.getConnectionConfig().isGetGeneratedKeys();
        // Off, unless a statement asks for them: see StatementCachingConnection.
        sqlite.getConnectionConfig().setGetGeneratedKeys(false);
        // In auto-commit mode sqlite-jdbc follows every statement with a BEGIN/COMMIT probe, which inside the
        // writer's own transaction only fails, at a cost of about a microsecond each. Clearing the driver's
        // flag (no SQL is run) skips the probe; SQLite itself stays in auto-commit between groups, so no lock
        // is held.
        sqlite.getConnectionConfig().setAutoCommit(false);
        this.unitConnection = new StatementCachingConnection(sqlite, statementCacheSize, this.generatedKeys);
        this.jdbc = new JdbcTemplate(new BoundConnectionDataSource(this.unitConnection.connection()));
    }

    private PreparedStatement prepareControl(String sql) throws SQLException {
        PreparedStatement statement = this.sqlite.prepareStatement(sql);
        this.controlStatements.add(statement);
        return statement;
    }

    /** The template units run with, bound to this connection, its statements cached. */
    JdbcTemplate jdbc() {
        return this.jdbc;
    }

    void begin() throws SQLException {
        this.begin.executeUpdate();
    }

    void savepoint() throws SQLException {
        this.savepoint.executeUpdate();
    }

    void rollbackToSavepoint() throws SQLException {
        this.rollbackToSavepoint.executeUpdate();
    }

    void releaseSavepoint() throws SQLException {
        this.release.executeUpdate();
    }

    void commit() throws SQLException {
        this.commit.executeUpdate();
    }

    /** Roll back whatever is open; a transaction SQLite has already rolled back is no failure. */
    void rollbackQuietly() {
        try {
            this.rollback.executeUpdate();
        } catch (SQLException ex) {
            // "no transaction is active": SQLite already rolled back.
            logger.debug("ROLLBACK after a failed group commit", ex);
        }
    }

    /** Set the connection back as it was found and give it back, once the writer thread has finished. */
    void close() {
        // Nothing should be open here; if a bug left a transaction, it must not reach the pool.
        rollbackQuietly();
        this.unitConnection.closeAll();
        this.sqlite.getConnectionConfig().setAutoCommit(true);
        this.sqlite.getConnectionConfig().setGetGeneratedKeys(this.generatedKeys);
        closeControlStatements();
        closeQuietly(this.handle);
    }

    private void closeControlStatements() {
        for (PreparedStatement statement : this.controlStatements) {
            try {
                statement.close();
            } catch (SQLException ex) {
                logger.debug("Could not close a group commit statement", ex);
            }
        }
    }

    /**
     * Give a connection of the writer back to its DataSource, logging rather than throwing a failure.
     * @param connection the connection as the DataSource gave it
     */
    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the group commit writer's connection", ex);
        }
    }
}
