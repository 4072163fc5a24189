package io.github.sqlitehybrid.logdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements that change table {@code logs}, run again and again by the writer and by retention: a batch
 * inserted in one transaction, old lines deleted a chunk at a time, free pages given back. Each method holds
 * the {@link LogFile}'s lock for one transaction; the statements are prepared once, and again after a failure.
 */
final class LogStatements {

    /** Lines deleted per transaction, so that the writer is never held up for long. */
    static final int PURGE_CHUNK_ROWS = 500;

    /** Free pages given back per transaction. */
    static final int VACUUM_CHUNK_PAGES = 1000;

    static final String PURGE_CHUNK_SQL =
            "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE timestamp < ? LIMIT " + PURGE_CHUNK_ROWS + ")";

    private static final String INSERT_SQL = "INSERT INTO logs (timestamp, level, level_value, logger, thread,"
            + " message, stack_trace, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final LogFile file;

    private final Connection connection;

    // Replaced by renew(), always under the file's lock.
    private PreparedStatement begin;

    private PreparedStatement commit;

    private PreparedStatement rollback;

    private PreparedStatement insert;

    private PreparedStatement purgeChunk;

    /** Prepare the statements; call under the file's lock, as {@link LogFile#prepareForWriting} does. */
    LogStatements(LogFile file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        this.begin = connection.prepareStatement("BEGIN IMMEDIATE");
        this.commit = connection.prepareStatement("COMMIT");
        this.rollback = connection.prepareStatement("ROLLBACK");
        this.insert = connection.prepareStatement(INSERT_SQL);
        this.purgeChunk = connection.prepareStatement(PURGE_CHUNK_SQL);
    }

    /**
     * Insert the lines in one transaction, rolled back when any of them fails.
     * @return how many lines were written
     */
    int insert(List<LogLine> lines) throws SQLException {
        return this.file.locked((connection) -> {
            this.begin.execute();
            try {
                for (LogLine line : lines) {
                    bind(line);
                    this.insert.addBatch();
                }
                this.insert.executeBatch();
                this.commit.execute();
                return lines.size();
            } catch (SQLException | RuntimeException | Error ex) {
                this.insert.clearBatch();
                rollbackQuietly();
                throw ex;
            }
        });
    }

    /**
     * Delete up to {@value #PURGE_CHUNK_ROWS} lines logged before a time, in one transaction.
     * @return how many were deleted
     */
    int deleteChunk(long cutoffMillis) throws SQLException {
        return this.file.locked((connection) -> {
            try {
                this.purgeChunk.setLong(1, cutoffMillis);
                return this.purgeChunk.executeUpdate();
            } catch (SQLException ex) {
                renew();
                throw ex;
            }
        });
    }

    /**
     * Give up to {@value #VACUUM_CHUNK_PAGES} free pages back in one transaction, but only when the file has
     * free pages and fewer than {@code fewerThan}: a count that no longer falls means vacuum has stalled.
     * @return how many free pages there were before
     */
    int vacuumChunk(int fewerThan) throws SQLException {
        return this.file.locked((connection) -> {
            int free = freePages(connection);
            if (free == 0 || free >= fewerThan) {
                return free;
            }
            this.begin.execute();
            try {
                for (int i = 0; i < Math.min(free, VACUUM_CHUNK_PAGES); i++) {
                    // sqlite-jdbc steps a statement once, and each step frees one page; a statement left
                    // mid-way would block the commit, so each step gets its own, closed at once.
                    try (Statement step = connection.createStatement()) {
                        step.execute("PRAGMA incremental_vacuum(1)");
                    }
                }
                this.commit.execute();
                return free;
            } catch (SQLException | RuntimeException | Error ex) {
                rollbackQuietly();
                throw ex;
            }
        });
    }

    private void bind(LogLine line) throws SQLException {
        this.insert.setLong(1, line.timestamp());
        this.insert.setString(2, line.level().name());
        this.insert.setInt(3, line.level().toInt());
        this.insert.setString(4, line.logger());
        this.insert.setString(5, line.thread());
        this.insert.setString(6, line.message());
        setNullableString(this.insert, 7, line.stackTrace());
        setNullableString(this.insert, 8, line.data());
    }

    private static void setNullableString(PreparedStatement statement, int index, @Nullable String value)
            throws SQLException {
        if (value != null) {
            statement.setString(index, value);
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private static int freePages(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA freelist_count")) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    private void rollbackQuietly() {
        renew();
        try {
            this.rollback.execute();
        } catch (SQLException ex) {
            // No transaction was active.
        }
    }

    /**
     * Prepare the statements again. After most errors (a full disk, an I/O error, ROLLBACK with no
     * transaction) sqlite-jdbc finalizes the statement that failed, and every later use of it would fail with
     * "statement is not executing": without this, one full disk would stop the log database for good.
     */
    private void renew() {
        try {
            PreparedStatement[] old = {this.begin, this.commit, this.rollback, this.insert, this.purgeChunk};
            this.begin = this.connection.prepareStatement("BEGIN IMMEDIATE");
            this.commit = this.connection.prepareStatement("COMMIT");
            this.rollback = this.connection.prepareStatement("ROLLBACK");
            this.insert = this.connection.prepareStatement(INSERT_SQL);
            this.purgeChunk = this.connection.prepareStatement(PURGE_CHUNK_SQL);
            for (PreparedStatement statement : old) {
                try {
                    statement.close();
                } catch (SQLException ex) {
                    // Finalized already.
                }
            }
        } catch (SQLException ex) {
            // The connection itself is gone: the next write reports it.
        }
    }
}
