package io.github.sqlitehybrid.logdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import io.github.sqlitehybrid.TestMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The log database against real SQLite files, fed through real SLF4J loggers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogDatabaseTests {

    /** The appender joins this logger only, which does not pass lines on to the console. */
    private static final String LOGGER_NAME = "io.github.sqlitehybrid.logdb.test";

    @TempDir
    Path dir;

    private final List<LogDatabase> opened = new ArrayList<>();

    private Logger target;

    @BeforeEach
    void quietTestLogger() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        this.target = context.getLogger(LOGGER_NAME);
        this.target.setLevel(ch.qos.logback.classic.Level.TRACE);
        this.target.setAdditive(false);
    }

    @AfterEach
    void closeAndRestore() {
        this.opened.forEach(LogDatabase::close);
        this.target.setLevel(null);
        this.target.setAdditive(true);
        MDC.clear();
    }

    @Test
    void everyLineFromEightThreadsIsWrittenOnceInPerThreadOrderWithMdcAndKeyValues() throws Exception {
        int threads = 8;
        int lines = 10_000;
        LogDatabase database = start(properties("burst.db", (p) -> p.setQueueCapacity(threads * lines)));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".burst");

        runThreads(threads, (worker) -> {
            MDC.put("worker", "w" + worker);
            MDC.put("note", "quote \" backslash \\ newline \n");
            for (int seq = 0; seq < lines; seq++) {
                logger.atInfo()
                        .addKeyValue("seq", seq)
                        .addKeyValue("worker", worker)
                        .log("line {} of worker {}", seq, worker);
            }
            MDC.clear();
        });
        database.stop();

        assertThat(database.stats().dropped()).isZero();
        assertThat(database.stats().failed()).isZero();
        assertThat(database.stats().logged()).isEqualTo((long) threads * lines);
        Map<Integer, Integer> nextSeq = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        try (Connection connection = connect("burst.db");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT message, json_extract(data, '$.mdc.worker'),"
                        + " json_extract(data, '$.mdc.note'), json_extract(data, '$.keyValues.worker'),"
                        + " json_extract(data, '$.keyValues.seq'), level, thread FROM logs ORDER BY id")) {
            while (rows.next() && problems.size() < 10) {
                String message = rows.getString(1);
                int worker = rows.getInt(4);
                int seq = rows.getInt(5);
                if (!seen.add(message)) {
                    problems.add("written twice: " + message);
                }
                if (!message.equals("line " + seq + " of worker " + worker)
                        || !("w" + worker).equals(rows.getString(2))
                        || !"quote \" backslash \\ newline \n".equals(rows.getString(3))
                        || !"INFO".equals(rows.getString(6))
                        || !("worker-" + worker).equals(rows.getString(7))) {
                    problems.add("wrong columns: " + message);
                }
                // Rows in id order are in each thread's logging order.
                if (seq != nextSeq.getOrDefault(worker, 0)) {
                    problems.add("out of order: " + message);
                }
                nextSeq.put(worker, seq + 1);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(seen).hasSize(threads * lines);
        assertThat(nextSeq)
                .hasSize(threads)
                .allSatisfy((worker, next) -> assertThat(next).isEqualTo(lines));
    }

    @Test
    void aMainDatabaseHeldUnderAWriteLockDoesNotHoldUpLogging() throws Exception {
        int threads = 4;
        int lines = 5_000;
        LogDatabase database = start(properties("logs.db", (p) -> p.setQueueCapacity(threads * lines)));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".locked");
        String mainUrl = "jdbc:sqlite:" + this.dir.resolve("main.db");
        try (Connection holder = DriverManager.getConnection(mainUrl);
                Statement statement = holder.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT)");
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO jobs (name) VALUES ('held')");

            runThreads(threads, (worker) -> {
                for (int i = 0; i < lines; i++) {
                    logger.info("while the main database is locked {} {}", worker, i);
                }
            });
            assertThat(database.flush(Duration.ofSeconds(30))).isTrue();
            long writtenWhileLocked = countLogs("while the main database is locked%");
            assertThat(mainDatabaseIsLocked(mainUrl))
                    .as("main database still locked")
                    .isTrue();
            statement.execute("COMMIT");

            runThreads(threads, (worker) -> {
                for (int i = 0; i < lines; i++) {
                    logger.info("with the main database free {} {}", worker, i);
                }
            });
            assertThat(database.flush(Duration.ofSeconds(30))).isTrue();
            long writtenWhileFree = countLogs("with the main database free%");

            assertThat(writtenWhileLocked).isEqualTo(threads * lines);
            assertThat(writtenWhileFree).isEqualTo(writtenWhileLocked);
            assertThat(database.stats().dropped()).isZero();
            assertThat(database.stats().failed()).isZero();
        }
    }

    @Test
    void aFullQueueDropsAndCountsLinesAndLosesNothingElse() throws Exception {
        int attempted = 1_000;
        LogDatabase database = start(properties("full.db", (p) -> {
            p.setQueueCapacity(16);
            p.setMaxBatchSize(4);
            p.setFlushInterval(Duration.ofMillis(50));
        }));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".full");
        // Another connection holds the log database's write lock: the writer waits, the queue fills.
        try (Connection holder = connect("full.db");
                Statement statement = holder.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            for (int i = 0; i < attempted; i++) {
                logger.info("line {}", i);
            }
            Thread.sleep(200);
            statement.execute("ROLLBACK");
        }
        database.stop();

        LogDatabaseStats stats = database.stats();
        assertThat(stats.dropped()).isGreaterThanOrEqualTo(attempted - 16 - 4);
        assertThat(stats.failed()).isZero();
        assertThat(stats.pending()).isZero();
        assertThat(stats.logged() + stats.dropped()).isEqualTo(attempted);
        List<Integer> written = new ArrayList<>();
        try (Connection connection = connect("full.db");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT message FROM logs ORDER BY id")) {
            while (rows.next()) {
                written.add(Integer.parseInt(rows.getString(1).substring("line ".length())));
            }
        }
        assertThat(written).hasSize((int) stats.logged()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void retentionDeletesOlderLinesKeepsNewerOnesAndSaysHowMany() throws Exception {
        LogDatabase database = open(properties("retention.db", (p) -> p.setRetention(Duration.ofDays(7))));
        long now = System.currentTimeMillis();
        insertLines("retention.db", 1_234, now - Duration.ofDays(10).toMillis());
        insertLines("retention.db", 10, now - Duration.ofDays(1).toMillis());

        assertThat(database.applyRetention()).isEqualTo(1_234);
        assertThat(countLogs("retention.db", "%")).isEqualTo(10);
        assertThat(pragma("retention.db", "freelist_count"))
                .as("space given back")
                .isEqualTo(0);
        assertThat(database.purgeOlderThan(Duration.ofHours(12))).isEqualTo(10);
        assertThat(countLogs("retention.db", "%")).isZero();
    }

    @Test
    void retentionRunsWhenTheWriterStarts() throws Exception {
        LogDatabase database = open(properties("startup.db", (p) -> p.setRetention(Duration.ofDays(7))));
        long now = System.currentTimeMillis();
        insertLines("startup.db", 600, now - Duration.ofDays(8).toMillis());
        insertLines("startup.db", 5, now);
        database.start();
        this.opened.add(database);
        await().atMost(Duration.ofSeconds(10)).until(() -> countLogs("startup.db", "%") == 5);
    }

    @Test
    void recentReturnsNewestLinesFirstAtOrAboveALevelAndCountsAreByLevel() {
        LogDatabase database = start(properties("recent.db", (p) -> p.setMinLevel(Level.DEBUG)));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".recent");
        logger.trace("below the minimum level");
        logger.debug("debug 1");
        logger.info("info 1");
        logger.warn("warn 1");
        logger.error("error 1", new IllegalStateException("broken \"thing\""));
        logger.info("info 2");
        assertThat(database.flush(Duration.ofSeconds(10))).isTrue();

        List<LogEntry> recent = database.recent(10, Level.INFO);
        assertThat(recent).extracting(LogEntry::message).containsExactly("info 2", "error 1", "warn 1", "info 1");
        assertThat(database.recent(2, Level.TRACE))
                .extracting(LogEntry::message)
                .containsExactly("info 2", "error 1");
        LogEntry error = recent.get(1);
        assertThat(error.level()).isEqualTo(Level.ERROR);
        assertThat(error.logger()).isEqualTo(LOGGER_NAME + ".recent");
        assertThat(error.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(error.stackTrace())
                .startsWith("java.lang.IllegalStateException: broken \"thing\"")
                .contains("at io.github.sqlitehybrid.logdb.LogDatabaseTests");
        assertThat(error.structuredData()).isNull();
        assertThat(database.countsByLevel())
                .containsExactly(
                        Map.entry(Level.ERROR, 1L),
                        Map.entry(Level.WARN, 1L),
                        Map.entry(Level.INFO, 2L),
                        Map.entry(Level.DEBUG, 1L),
                        Map.entry(Level.TRACE, 0L));
    }

    @Test
    void structuredDataIsOneJsonObjectWithMdcAndKeyValues() throws Exception {
        LogDatabase database = start(properties("json.db", (p) -> {}));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".json");
        MDC.put("requestId", "r-1\t\u0001");
        logger.atWarn()
                .addKeyValue("trackId", 123)
                .addKeyValue("ratio", 0.5)
                .addKeyValue("ok", true)
                .addKeyValue("nan", Double.NaN)
                .addKeyValue("none", (Object) null)
                .addKeyValue("path", Path.of("a", "b"))
                .log("structured");
        MDC.clear();
        logger.info("plain");
        assertThat(database.flush(Duration.ofSeconds(10))).isTrue();

        List<LogEntry> recent = database.recent(2, Level.INFO);
        assertThat(recent.get(0).structuredData()).isNull();
        assertThat(recent.get(1).structuredData()).startsWith("{\"mdc\":{");
        // SQLite's own JSON functions read the column back: valid JSON, escapes decoded, types kept.
        try (Connection connection = connect("json.db");
                PreparedStatement statement = connection.prepareStatement("SELECT json_valid(data),"
                        + " json_extract(data, '$.mdc.requestId'), json_type(data, '$.keyValues.trackId'),"
                        + " json_extract(data, '$.keyValues.trackId'), json_extract(data, '$.keyValues.ratio'),"
                        + " json_type(data, '$.keyValues.ok'), json_extract(data, '$.keyValues.nan'),"
                        + " json_type(data, '$.keyValues.none'), json_extract(data, '$.keyValues.path'),"
                        + " (SELECT group_concat(key) FROM json_each(data))"
                        + " FROM logs WHERE id = ?")) {
            statement.setLong(1, recent.get(1).id());
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).isEqualTo(1);
                assertThat(row.getString(2)).isEqualTo("r-1\t\u0001");
                assertThat(row.getString(3)).isEqualTo("integer");
                assertThat(row.getLong(4)).isEqualTo(123);
                assertThat(row.getDouble(5)).isEqualTo(0.5);
                assertThat(row.getString(6)).isEqualTo("true");
                assertThat(row.getString(7)).isEqualTo("NaN");
                assertThat(row.getString(8)).isEqualTo("null");
                assertThat(row.getString(9)).isEqualTo(Path.of("a", "b").toString());
                assertThat(row.getString(10)).isEqualTo("mdc,keyValues");
            }
        }
    }

    @Test
    void anEmptyPathKeepsTheLogDatabaseInMemory() {
        LogDatabase database = start(properties("", (p) -> p.setPath("")));
        LoggerFactory.getLogger(LOGGER_NAME + ".memory").info("kept in memory");
        assertThat(database.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(database.recent(5, Level.INFO)).extracting(LogEntry::message).containsExactly("kept in memory");
        LogDatabaseStats stats = database.stats();
        assertThat(stats.path()).isNull();
        assertThat(stats.logged()).isEqualTo(1);
        assertThat(stats.fileSizeBytes()).isZero();
        assertThat(stats.lastWrite()).isNotNull();
        assertThat(database.applyRetention()).isZero();
    }

    @Test
    void theFileUsesWalNormalSyncAndIncrementalVacuum() throws Exception {
        open(properties("pragmas.db", (p) -> {}));
        assertThat(pragma("pragmas.db", "journal_mode")).isEqualTo("wal");
        assertThat(pragma("pragmas.db", "auto_vacuum")).isEqualTo(2);
        try (Connection connection = connect("pragmas.db");
                Statement statement = connection.createStatement();
                ResultSet indexes = statement.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'logs' ORDER BY name")) {
            List<String> names = new ArrayList<>();
            while (indexes.next()) {
                names.add(indexes.getString(1));
            }
            assertThat(names).containsExactly("logs_level", "logs_timestamp");
        }
    }

    @Test
    void missingParentDirectoriesAreCreated() {
        LogDatabase database = open(properties("nested/deeper/logs.db", (p) -> {}));
        assertThat(this.dir.resolve("nested/deeper/logs.db")).exists();
        assertThat(database.stats().path())
                .isEqualTo(this.dir.resolve("nested/deeper/logs.db").toString());
    }

    @Test
    void aPathUnderARegularFileFailsNamingThePath() throws Exception {
        Path blocker = Files.writeString(this.dir.resolve("not-a-directory"), "x");
        String path = blocker.resolve("logs.db").toString();
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(path);

        assertThatExceptionOfType(InvalidSqliteHybridPropertyException.class)
                .isThrownBy(() -> open(properties))
                .satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("sqlite.hybrid.log-database.path"))
                .withMessageContaining(path);
    }

    @Test
    void aPathThatIsADirectoryFailsNamingThePath() throws Exception {
        String path = Files.createDirectory(this.dir.resolve("logs.db")).toString();
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(path);

        assertThatExceptionOfType(InvalidSqliteHybridPropertyException.class)
                .isThrownBy(() -> open(properties))
                .withMessageContaining(path)
                .withMessageContaining("cannot open it for writing");
    }

    @Test
    void aReadOnlyDirectoryFailsNamingThePath() throws Exception {
        Path readOnly = Files.createDirectory(this.dir.resolve("read-only"));
        // Root ignores permission bits, so there the directory is a read-only mount; elsewhere the bits do.
        try (TestMounts mounts = new TestMounts()) {
            if (TestMounts.isRoot()) {
                String failure = mounts.tmpfs(readOnly, "ro,size=1m");
                Assumptions.assumeTrue(
                        failure == null, () -> "root ignores permission bits and mounting failed: " + failure);
            } else {
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            String path = readOnly.resolve("logs.db").toString();
            LogDatabaseProperties properties = new LogDatabaseProperties();
            properties.setPath(path);
            assertThatExceptionOfType(InvalidSqliteHybridPropertyException.class)
                    .isThrownBy(() -> open(properties))
                    .withMessageContaining(path);
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void stopWritesPendingLinesAndLaterLinesAreNotCaptured() throws Exception {
        LogDatabase database = start(properties("stop.db", (p) -> {
            p.setFlushInterval(Duration.ofHours(1));
            p.setMaxBatchSize(1_000);
        }));
        org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER_NAME + ".stop");
        for (int i = 0; i < 25; i++) {
            logger.info("pending {}", i);
        }
        assertThat(database.stats().pending()).isEqualTo(25);
        assertThat(countLogs("stop.db", "%")).isZero();

        database.stop();
        logger.info("after stop");

        assertThat(database.isRunning()).isFalse();
        assertThat(countLogs("stop.db", "pending%")).isEqualTo(25);
        assertThat(countLogs("stop.db", "after stop")).isZero();
        assertThat(this.target.getAppender(LogDatabaseAppender.NAME)).isNull();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch((thread) -> thread.getName().equals(LogDatabase.WRITER_THREAD_NAME));
        assertThat(database.stats().pending()).isZero();
    }

    private LogDatabaseProperties properties(String file, java.util.function.Consumer<LogDatabaseProperties> custom) {
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(file.isEmpty() ? "" : this.dir.resolve(file).toString());
        properties.setFlushInterval(Duration.ofMillis(100));
        custom.accept(properties);
        return properties;
    }

    private LogDatabase open(LogDatabaseProperties properties) {
        LogDatabase database = new LogDatabase(properties, LOGGER_NAME);
        this.opened.add(database);
        return database;
    }

    private LogDatabase start(LogDatabaseProperties properties) {
        LogDatabase database = open(properties);
        database.start();
        return database;
    }

    private static void runThreads(int count, IntConsumer work) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int worker = i;
            Thread thread = new Thread(
                    () -> {
                        try {
                            ready.await();
                            work.accept(worker);
                        } catch (Throwable ex) {
                            synchronized (failures) {
                                failures.add(ex);
                            }
                        }
                    },
                    "worker-" + worker);
            threads.add(thread);
            thread.start();
        }
        ready.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(failures).isEmpty();
    }

    private Connection connect(String file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve(file));
    }

    private long countLogs(String pattern) throws SQLException {
        return countLogs("logs.db", pattern);
    }

    private long countLogs(String file, String pattern) throws SQLException {
        try (Connection connection = connect(file);
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COUNT(*) FROM logs WHERE message LIKE ?")) {
            statement.setString(1, pattern);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private Object pragma(String file, String name) throws SQLException {
        try (Connection connection = connect(file);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            result.next();
            return result.getObject(1);
        }
    }

    private void insertLines(String file, int count, long timestamp) throws SQLException {
        try (Connection connection = connect(file)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO logs (timestamp, level, level_value, logger, thread, message)"
                            + " VALUES (?, 'INFO', 20, 'old', 'main', ?)")) {
                for (int i = 0; i < count; i++) {
                    insert.setLong(1, timestamp);
                    insert.setString(2, "x".repeat(200) + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
    }

    private static boolean mainDatabaseIsLocked(String url) throws SQLException {
        try (Connection other = DriverManager.getConnection(url);
                Statement statement = other.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 50");
            statement.execute("INSERT INTO jobs (name) VALUES ('other')");
            return false;
        } catch (SQLiteException ex) {
            if (ex.getResultCode().code == SQLiteErrorCode.SQLITE_BUSY.code) {
                return true;
            }
            throw ex;
        }
    }
}
