package io.github.sqlitehybrid.maintenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;

/**
 * Runs checkpoints and {@code PRAGMA optimize} on a connection of its own, outside the application's pools: the
 * read pool's connections are {@code query_only}, and the write pool's belong to the single writer. Does the I/O and
 * nothing else.
 */
final class WalCheckpointer {

    /** How long a truncating checkpoint waits for the readers still on the WAL before it reports busy. */
    static final int BUSY_TIMEOUT_MILLIS = 1000;

    /** All tables whose statistics are missing or stale, not only those this connection used, as SQLite advises. */
    private static final String OPTIMIZE = "PRAGMA optimize=0x10002";

    private final Path database;

    private final Path wal;

    private final Clock clock;

    WalCheckpointer(Path database, Clock clock) {
        this.database = database;
        this.wal = Path.of(database + "-wal");
        this.clock = clock;
    }

    /** A {@code PASSIVE} checkpoint: it copies what it can, waiting for no one. */
    WalCheckpoint passive() throws SQLException {
        return checkpoint("PASSIVE");
    }

    /**
     * A {@code TRUNCATE} checkpoint: it waits for writers and for the readers on the WAL (up to
     * {@link #BUSY_TIMEOUT_MILLIS}), copies every frame and truncates the WAL to nothing. The caller holds the write
     * turn when there is one, so that the application's writers wait for it rather than fail.
     */
    WalCheckpoint truncate() throws SQLException {
        return checkpoint("TRUNCATE");
    }

    /**
     * Run {@code PRAGMA optimize}.
     * @return how long it took, in milliseconds
     */
    long optimize() throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = open();
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA analysis_limit=400");
            statement.execute(OPTIMIZE);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    long walBytes() {
        try {
            return Files.exists(this.wal) ? Files.size(this.wal) : 0L;
        } catch (IOException ex) {
            return 0L;
        }
    }

    private WalCheckpoint checkpoint(String mode) throws SQLException {
        Instant at = this.clock.instant();
        long start = System.nanoTime();
        long before = walBytes();
        // mode is one of two constants.
        try (Connection connection = open();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            result.next();
            return new WalCheckpoint(
                    mode,
                    at,
                    result.getInt(1) != 0,
                    result.getLong(2),
                    result.getLong(3),
                    before,
                    walBytes(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    private Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection("jdbc:sqlite:" + this.database);
    }
}
