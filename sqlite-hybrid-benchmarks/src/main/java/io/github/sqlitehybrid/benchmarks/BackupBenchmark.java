package io.github.sqlitehybrid.benchmarks;

import io.github.sqlitehybrid.backup.BackupProperties;
import io.github.sqlitehybrid.backup.BackupResult;
import io.github.sqlitehybrid.backup.SqliteBackups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.util.FileSystemUtils;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * How long a backup of a database of a given size takes while 4 threads write to it, and how long those writers
 * wait meanwhile: the starter's {@link SqliteBackups} ({@code VACUUM INTO}, fsync, {@code quick_check}, rename)
 * against SQLite's online backup API (sqlite-jdbc's {@code backup to}), which copies pages in steps and starts
 * again whenever another connection writes. Each method runs once a round with the writers, and the backup API once
 * more without them; a copy not done after 60 s is reported as such.
 *
 * <pre>
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar backup [megabytes, default 100] [rounds, default 2]
 * </pre>
 */
final class BackupBenchmark {

    private static final int WRITERS = 4;

    private final Path directory;

    /** The database as filled, copied to {@link #database} before each measurement: writes make it grow. */
    private final Path filled;

    private final Path database;

    private final long giveUpSeconds;

    BackupBenchmark(Path directory, long giveUpSeconds) {
        this.directory = directory;
        this.filled = directory.resolve("filled.db");
        this.database = directory.resolve("big.db");
        this.giveUpSeconds = giveUpSeconds;
    }

    static void main(String[] args) throws Exception {
        int megabytes = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
        int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
        Path directory = Files.createTempDirectory("sqlite-hybrid-backup-benchmark");
        try {
            System.out.print(new BackupBenchmark(directory, 60).run(megabytes, rounds));
        } finally {
            FileSystemUtils.deleteRecursively(directory);
        }
    }

    String run(int megabytes, int rounds) throws Exception {
        fill(megabytes);
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "backup of a %.1f MB database while %d threads write (WAL, synchronous=NORMAL)%n"
                        + "| method | writers | took | copy MB | writes meanwhile | writer errors | longest write ms |%n"
                        + "|---|---|---|---|---|---|---|%n",
                Files.size(this.filled) / 1e6,
                WRITERS));
        for (int round = 0; round < rounds; round++) {
            out.append(measure("SqliteBackups (VACUUM INTO)", true, this::starterBackup));
            out.append(measure("online backup API", true, this::backupApi));
        }
        out.append(measure("online backup API", false, this::backupApi));
        return out.toString();
    }

    private void fill(int megabytes) throws SQLException {
        // About 257 bytes a row with the B-tree's overhead.
        int rows = megabytes * 1_000_000 / 257;
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + this.filled);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows
                    + ") INSERT INTO t (payload) SELECT randomblob(240) FROM n");
        }
    }

    private String measure(String method, boolean withWriters, Copy copy) throws Exception {
        Files.copy(this.filled, this.database, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(Path.of(this.database + "-wal"));
        Files.deleteIfExists(Path.of(this.database + "-shm"));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong longestWrite = new AtomicLong();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; withWriters && w < WRITERS; w++) {
                writers.add(pool.submit(() -> write(writing, longestWrite, writes, errors)));
            }
            Thread.sleep(500);
            longestWrite.set(0);
            int writesBefore = writes.get();
            long start = System.nanoTime();
            Future<Double> copied = pool.submit(copy::run);
            String took;
            String size;
            try {
                double megabytes = copied.get(this.giveUpSeconds, TimeUnit.SECONDS);
                took = String.format(Locale.ROOT, "%d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                size = String.format(Locale.ROOT, "%.1f", megabytes);
            } catch (java.util.concurrent.TimeoutException ex) {
                took = "not done after " + this.giveUpSeconds + " s";
                size = "-";
            }
            String row = String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %d | %d | %.1f |%n",
                    method,
                    withWriters ? WRITERS : 0,
                    took,
                    size,
                    writes.get() - writesBefore,
                    errors.get(),
                    longestWrite.get() / 1e6);
            writing.set(false);
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
            return row;
        } finally {
            writing.set(false);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private Void write(AtomicBoolean writing, AtomicLong longestWrite, AtomicInteger writes, AtomicInteger errors)
            throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            while (writing.get()) {
                long start = System.nanoTime();
                try {
                    statement.execute("BEGIN IMMEDIATE");
                    statement.execute("INSERT INTO t (payload) VALUES (randomblob(240))");
                    statement.execute("COMMIT");
                    writes.incrementAndGet();
                } catch (SQLException ex) {
                    errors.incrementAndGet();
                    statement.execute("ROLLBACK");
                }
                longestWrite.accumulateAndGet(System.nanoTime() - start, Math::max);
            }
        }
        return null;
    }

    private double starterBackup() throws Exception {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + this.database);
        BackupProperties properties = new BackupProperties();
        properties.setDirectory(this.directory.resolve("backups"));
        properties.setCron(BackupProperties.NO_SCHEDULE);
        BackupResult result = new SqliteBackups(dataSource, properties).backupNow();
        Path copy = this.directory.resolve("backups").resolve(result.file());
        double megabytes = result.sizeBytes() / 1e6;
        Files.delete(copy);
        return megabytes;
    }

    private double backupApi() throws Exception {
        Path copy = this.directory.resolve("api-" + System.nanoTime() + ".db");
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("backup to " + copy);
        }
        double megabytes = Files.size(copy) / 1e6;
        Files.delete(copy);
        return megabytes;
    }

    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(5000);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        return config.createConnection("jdbc:sqlite:" + this.database);
    }

    @FunctionalInterface
    private interface Copy {

        double run() throws Exception;
    }
}
