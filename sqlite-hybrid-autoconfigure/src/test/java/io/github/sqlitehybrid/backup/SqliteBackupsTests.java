package io.github.sqlitehybrid.backup;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Backups of real SQLite files, taken while the application writes, and restored. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SqliteBackupsTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    BackupAutoConfiguration.class));

    @RepeatedTest(3)
    void aBackupTakenWhileEightThreadsWriteIsSoundAndHoldsEveryTransactionCommittedBeforeItBegan() {
        withBackups().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE pairs (id INTEGER NOT NULL, half INTEGER NOT NULL, payload TEXT NOT NULL,"
                    + " PRIMARY KEY (id, half))");
            // Enough rows that the copy takes a while.
            jdbc.update(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                            + " INSERT INTO pairs SELECT -i, h.half, randomblob(200) FROM n, (SELECT 0 AS half UNION ALL SELECT 1) h");
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            // Each transaction writes both halves of a pair: a torn transaction would leave one.
            Map<Integer, Long> committedAt = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger errors = new AtomicInteger();
            AtomicLong longestWrite = new AtomicLong();
            AtomicInteger ids = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(8);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                running.add(writers.submit(() -> {
                    while (writing.get()) {
                        int id = ids.incrementAndGet();
                        long start = System.nanoTime();
                        try {
                            transaction.executeWithoutResult((status) -> {
                                jdbc.update("INSERT INTO pairs VALUES (?, 0, 'a')", id);
                                jdbc.update("INSERT INTO pairs VALUES (?, 1, 'b')", id);
                            });
                            committedAt.put(id, System.nanoTime());
                        } catch (RuntimeException ex) {
                            errors.incrementAndGet();
                        }
                        longestWrite.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                }));
            }
            sleep(200);
            long backupBegan = System.nanoTime();
            BackupResult backup = context.getBean(SqliteBackups.class).backupNow();
            sleep(100);
            writing.set(false);
            for (Future<?> writer : running) {
                writer.get(30, TimeUnit.SECONDS);
            }
            writers.shutdown();
            Path copy = this.dir.resolve("backups").resolve(backup.file());
            assertThat(query(copy, "PRAGMA integrity_check")).containsExactly("ok");
            List<String> pairsInCopy = query(copy, "SELECT id || ':' || count(*) FROM pairs WHERE id > 0 GROUP BY id");
            assertThat(pairsInCopy).allMatch((row) -> row.endsWith(":2"));
            List<Integer> idsInCopy = pairsInCopy.stream()
                    .map((row) -> Integer.parseInt(row.substring(0, row.indexOf(':'))))
                    .toList();
            List<Integer> committedBefore = committedAt.entrySet().stream()
                    .filter((entry) -> entry.getValue() < backupBegan)
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(committedBefore).isNotEmpty();
            assertThat(idsInCopy).containsAll(committedBefore);
            assertThat(committedAt.keySet()).containsAll(idsInCopy);
            assertThat(query(copy, "SELECT count(*) FROM pairs WHERE id < 0")).containsExactly("40000");
            assertThat(errors).hasValue(0);
            // The copy reads a snapshot: it never holds writers up, beyond the scheduling noise of 2 cores.
            assertThat(Duration.ofNanos(longestWrite.get())).isLessThan(Duration.ofSeconds(2));
        });
    }

    @Test
    void keepsTheNewestBackupsUpToTheCount() {
        withBackups("sqlite.hybrid.backup.keep=3").run((context) -> {
            context.getBean(JdbcTemplate.class).execute("CREATE TABLE t (x)");
            SqliteBackups backups = context.getBean(SqliteBackups.class);
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                taken.add(backups.backupNow().file());
                sleep(5); // names carry milliseconds
            }
            assertThat(backups.list())
                    .extracting(BackupEntry::file)
                    .containsExactly(taken.get(4), taken.get(3), taken.get(2));
            assertThat(backups.stats().succeeded()).isEqualTo(5);
        });
    }

    @Test
    void deletesBackupsOlderThanMaxAgeOnceANewOneIsComplete() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        BackupProperties properties = properties();
        properties.setMaxAge(Duration.ofHours(1));
        try (Fixture fixture = new Fixture(clock, properties)) {
            String first = fixture.backups.backupNow().file();
            clock.advance(Duration.ofMinutes(30));
            String second = fixture.backups.backupNow().file();
            assertThat(fixture.backups.list()).extracting(BackupEntry::file).containsExactly(second, first);
            clock.advance(Duration.ofHours(2));
            String third = fixture.backups.backupNow().file();
            assertThat(fixture.backups.list()).extracting(BackupEntry::file).containsExactly(third);
        }
    }

    @Test
    void aBackupThatFailsLeavesTheEarlierOnesIntactAndNoFileThatLooksComplete() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        try (Fixture fixture = new Fixture(clock, properties())) {
            BackupResult good = fixture.backups.backupNow();
            byte[] before = Files.readAllBytes(fixture.directory.resolve(good.file()));
            clock.advance(Duration.ofMinutes(1));
            BackupFiles files = new BackupFiles(fixture.directory, fixture.database.toString());
            String next = files.nameFor(clock.instant());
            // Something in the way of the copy's temporary file that cannot be removed: the copy cannot be made.
            Files.createDirectories(
                    fixture.directory.resolve(next + BackupFiles.PART).resolve("in-the-way"));
            assertThatThrownBy(fixture.backups::backupNow)
                    .isInstanceOf(BackupFailedException.class)
                    .hasMessageContaining(next)
                    .hasMessageContaining("sqlite.hybrid.backup.directory");
            assertThat(fixture.backups.list()).extracting(BackupEntry::file).containsExactly(good.file());
            assertThat(Files.readAllBytes(fixture.directory.resolve(good.file())))
                    .isEqualTo(before);
            assertThat(fixture.directory.resolve(next)).doesNotExist();
            BackupStats stats = fixture.backups.stats();
            assertThat(stats.failed()).isEqualTo(1);
            assertThat(stats.lastFailureAt()).isEqualTo(clock.instant());
            assertThat(stats.lastSuccess()).isEqualTo(good);
        }
    }

    @Test
    void restoringTheNewestBackupGivesBackExactlyItsRows() throws Exception {
        Path database = this.dir.resolve("app.db");
        List<String> backedUp = new ArrayList<>();
        withBackups().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
            for (int i = 1; i <= 50; i++) {
                jdbc.update("INSERT INTO orders (id, item) VALUES (?, ?)", i, "item " + i);
            }
            backedUp.addAll(jdbc.queryForList("SELECT id || '=' || item FROM orders ORDER BY id", String.class));
            context.getBean(SqliteBackups.class).backupNow();
            jdbc.update("INSERT INTO orders (id, item) VALUES (51, 'after the backup')");
            jdbc.update("DELETE FROM orders WHERE id = 1");
        });
        // The documented procedure: with the service stopped, the newest backup replaces the database file and
        // the WAL and shared-memory files go.
        Path newest = new BackupFiles(this.dir.resolve("backups"), database.toString())
                .list().stream()
                        .findFirst()
                        .map((entry) -> this.dir.resolve("backups").resolve(entry.file()))
                        .orElseThrow();
        Files.copy(newest, database, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(this.dir.resolve("app.db-wal"));
        Files.deleteIfExists(this.dir.resolve("app.db-shm"));
        withBackups()
                .run((context) -> assertThat(context.getBean(JdbcTemplate.class)
                                .queryForList("SELECT id || '=' || item FROM orders ORDER BY id", String.class))
                        .containsExactlyElementsOf(backedUp));
    }

    @Test
    void aCopyLeftUnfinishedByACrashIsDeletedAtStartAndNeverListed() throws Exception {
        Path backups = Files.createDirectories(this.dir.resolve("backups"));
        BackupFiles files = new BackupFiles(backups, this.dir.resolve("app.db").toString());
        Path unfinished = backups.resolve(files.nameFor(Instant.now()) + BackupFiles.PART);
        Files.writeString(unfinished, "half a database");
        Path unrelated = Files.writeString(backups.resolve("notes.txt"), "kept");
        withBackups().run((context) -> {
            assertThat(unfinished).doesNotExist();
            assertThat(unrelated).exists();
            assertThat(context.getBean(SqliteBackups.class).list()).isEmpty();
        });
    }

    @Test
    void anInMemoryDatabaseFailsAtStartupNamingTheProperty() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:", "sqlite.hybrid.backup.enabled=true")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("sqlite.hybrid.backup.enabled is true")
                        .hasStackTraceContaining("nothing to back up"));
    }

    @Test
    void badPropertiesFailNamingTheProperty() {
        withBackups("sqlite.hybrid.backup.cron=every hour")
                .run((context) -> assertThat(reportOf(context)).contains("sqlite.hybrid.backup.cron"));
        withBackups("sqlite.hybrid.backup.keep=0")
                .run((context) ->
                        assertThat(reportOf(context)).contains("sqlite.hybrid.backup.keep must be at least 1"));
    }

    @Test
    void offByDefault() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
                .run((context) -> assertThat(context).doesNotHaveBean(SqliteBackups.class));
    }

    private ApplicationContextRunner withBackups(String... properties) {
        return this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
                        "sqlite.hybrid.backup.enabled=true",
                        "sqlite.hybrid.backup.cron=-",
                        "sqlite.hybrid.backup.directory=" + this.dir.resolve("backups"))
                .withPropertyValues(properties);
    }

    private BackupProperties properties() {
        BackupProperties properties = new BackupProperties();
        properties.setDirectory(this.dir.resolve("backups"));
        properties.setCron(BackupProperties.NO_SCHEDULE);
        return properties;
    }

    private static List<String> query(Path database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Backups of a plain database file, without a Spring context, on a clock the test moves. */
    private final class Fixture implements AutoCloseable {

        private final Path database = SqliteBackupsTests.this.dir.resolve("plain.db");

        private final Path directory = SqliteBackupsTests.this.dir.resolve("backups");

        private final org.sqlite.SQLiteDataSource dataSource = new org.sqlite.SQLiteDataSource();

        private final SqliteBackups backups;

        Fixture(Clock clock, BackupProperties properties) throws SQLException {
            this.dataSource.setUrl("jdbc:sqlite:" + this.database);
            try (Connection connection = this.dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (x)");
                statement.execute("INSERT INTO t VALUES (1)");
            }
            this.backups = new SqliteBackups(this.dataSource, properties, clock);
            this.backups.start();
        }

        @Override
        public void close() {
            this.backups.stop();
        }
    }

    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now;
        }
    }
}
