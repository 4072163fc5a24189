package io.github.sqlitehybrid.backup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;

/**
 * Takes one backup: {@code VACUUM INTO} a temporary name, on a connection of its own that only reads the database
 * (in WAL mode it holds a snapshot and never blocks a writer; the pools' connections stay with the application,
 * and the read pool's {@code query_only} would refuse to write the copy), then forces the copy to disk, runs
 * {@code PRAGMA quick_check} on it and renames it into place. A copy that fails any step is deleted, so a file with
 * a backup's name is always complete.
 */
final class BackupCopier {

    /** How long the copy's connection waits for a lock another process holds (a checkpoint, a rollback journal). */
    private static final int BUSY_TIMEOUT_MILLIS = 5000;

    private final Path database;

    private final BackupFiles files;

    BackupCopier(Path database, BackupFiles files) {
        this.database = database;
        this.files = files;
    }

    BackupResult copy(Instant at) throws SQLException, IOException {
        long start = System.nanoTime();
        Files.createDirectories(this.files.directory());
        String name = this.files.nameFor(at);
        Path target = this.files.directory().resolve(name);
        Path part = this.files.directory().resolve(name + BackupFiles.PART);
        try {
            Files.deleteIfExists(part);
            vacuumInto(part);
            force(part);
            quickCheck(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(this.files.directory());
        } catch (SQLException | IOException | RuntimeException ex) {
            Files.deleteIfExists(part);
            throw ex;
        }
        return new BackupResult(name, Files.size(target), at, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private void vacuumInto(Path part) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + this.database);
                PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, part.toAbsolutePath().toString());
            vacuum.execute();
        }
    }

    private static void quickCheck(Path copy) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + copy.toAbsolutePath());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA quick_check")) {
            String verdict = result.next() ? result.getString(1) : "no answer";
            if (!"ok".equals(verdict)) {
                throw new SQLException("PRAGMA quick_check of the copy " + copy + " answered: " + verdict);
            }
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** The rename is durable once the directory is forced too; where a directory cannot be opened, it is left. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ex) {
            // Not supported on this platform.
        }
    }
}
