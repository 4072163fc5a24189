package io.github.sqlitehybrid.logdb;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * The log database's SQLite file and its one connection: the path checked, the connection opened with its
 * PRAGMAs, the table and indexes created. Afterwards the connection is used only through {@link #locked},
 * under the one lock that the writer, retention and queries share.
 */
final class LogFile {

    private static final String PATH_PROPERTY = "sqlite.hybrid.log-database.path";

    private static final int BUSY_TIMEOUT_MILLIS = 5000;

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, level TEXT NOT NULL,"
                + " level_value INTEGER NOT NULL, logger TEXT NOT NULL, thread TEXT NOT NULL, message TEXT NOT NULL,"
                + " stack_trace TEXT, data TEXT)",
        "CREATE INDEX IF NOT EXISTS logs_timestamp ON logs (timestamp)",
        "CREATE INDEX IF NOT EXISTS logs_level ON logs (level_value)"
    };

    /** Guards the connection: the writer, retention and queries from other threads share it. */
    private final ReentrantLock lock = new ReentrantLock();

    /** The path as configured, for the message when the file turns out to be unusable. */
    private final String configuredPath;

    private final @Nullable Path path;

    private final Connection connection;

    private final boolean incrementalVacuum;

    /** Guarded by {@link #lock}. */
    private boolean closed;

    private LogFile(String configuredPath, @Nullable Path path, Connection connection, boolean incrementalVacuum) {
        this.configuredPath = configuredPath;
        this.path = path;
        this.connection = connection;
        this.incrementalVacuum = incrementalVacuum;
    }

    /**
     * Open (creating it and its directory if needed) the file, and create the table and indexes. Follow with
     * {@link #prepareForWriting}.
     * @param path the configured path, empty for an in-memory database
     * @throws InvalidSqliteHybridPropertyException when the file cannot be created or opened
     */
    static LogFile open(String path) {
        Path file = checkedPath(path);
        Connection opened = null;
        try {
            opened = connect(file);
            boolean incrementalVacuum = createSchema(opened);
            return new LogFile(path, file, opened, incrementalVacuum);
        } catch (SQLException ex) {
            closeQuietly(opened);
            throw unusable(path, "cannot open it for writing: " + ex.getMessage(), ex);
        }
    }

    /**
     * Prepare what the writer needs on the new connection, then check that the file takes a write lock: a file
     * that opened read-only accepts the schema when it already exists, and only a write lock tells.
     * @param work what to prepare
     * @return what the work returned
     * @throws InvalidSqliteHybridPropertyException when either fails; the file is closed then
     */
    <T> T prepareForWriting(SqlWork<T> work) {
        try {
            T prepared = locked(work);
            try (Statement statement = this.connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                statement.execute("ROLLBACK");
            }
            return prepared;
        } catch (SQLException ex) {
            close();
            throw unusable(this.configuredPath, "cannot open it for writing: " + ex.getMessage(), ex);
        }
    }

    /**
     * Run work on the connection, holding the lock.
     * @throws IllegalStateException when the file is closed
     */
    <T> T locked(SqlWork<T> work) throws SQLException {
        this.lock.lock();
        try {
            if (this.closed) {
                throw new IllegalStateException("The log database is closed");
            }
            return work.run(this.connection);
        } finally {
            this.lock.unlock();
        }
    }

    /** Close the connection once any work on it has finished; later work fails. */
    void close() {
        this.lock.lock();
        try {
            this.closed = true;
            closeQuietly(this.connection);
        } finally {
            this.lock.unlock();
        }
    }

    /** Absolute path of the file, or {@code null} for an in-memory database. */
    @Nullable
    Path path() {
        return this.path;
    }

    /** Whether {@code PRAGMA incremental_vacuum} can give free pages back. */
    boolean incrementalVacuum() {
        return this.incrementalVacuum;
    }

    long sizeBytes() {
        return sizeOf(this.path);
    }

    long walSizeBytes() {
        return (this.path != null) ? sizeOf(Path.of(this.path + "-wal")) : 0;
    }

    private static @Nullable Path checkedPath(String path) {
        if (path.isEmpty()) {
            return null;
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (IOException | RuntimeException ex) {
                throw unusable(path, "cannot create its directory " + parent + " (" + ex + ")", ex);
            }
        }
        return file;
    }

    private static InvalidSqliteHybridPropertyException unusable(String path, String reason, Throwable cause) {
        String where = path.isEmpty() ? "in-memory database" : Path.of(path).toAbsolutePath() + "";
        InvalidSqliteHybridPropertyException failure = new InvalidSqliteHybridPropertyException(
                PATH_PROPERTY,
                path,
                "log database " + where + ": " + reason,
                List.of("a file in a writable directory", "empty for an in-memory database"));
        failure.initCause(cause);
        return failure;
    }

    private static Connection connect(@Nullable Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection(
                (file != null)
                        ? ConditionalOnSqliteDatabase.SQLITE_URL_PREFIX + file
                        : ConditionalOnSqliteDatabase.SQLITE_URL_PREFIX + ":memory:");
    }

    /** Create the table and indexes; returns whether incremental vacuum is in effect. */
    private static boolean createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // auto_vacuum only takes effect before the first table is created.
            statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = NORMAL");
            for (String sql : SCHEMA) {
                statement.execute(sql);
            }
            try (ResultSet result = statement.executeQuery("PRAGMA auto_vacuum")) {
                return result.next() && result.getInt(1) == 2;
            }
        }
    }

    private static long sizeOf(@Nullable Path file) {
        if (file == null) {
            return 0;
        }
        try {
            return Files.size(file);
        } catch (IOException ex) {
            return 0;
        }
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ex) {
                // Closing anyway.
            }
        }
    }

    /** Work on the connection, run under the lock. */
    @FunctionalInterface
    interface SqlWork<T> {

        T run(Connection connection) throws SQLException;
    }
}
