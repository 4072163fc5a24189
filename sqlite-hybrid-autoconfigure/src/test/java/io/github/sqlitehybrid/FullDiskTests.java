package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.buffer.WriteBufferFlushException;
import io.github.sqlitehybrid.buffer.WriteBufferStats;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseProperties;
import io.github.sqlitehybrid.logdb.LogDatabaseStats;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetry;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryStats;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The database on a small tmpfs that a ballast file fills: writes fail with SQLITE_FULL, which is not
 * retried; the application stays up; the write buffer keeps every row and writes them, with their latest
 * values, once space is freed; the log database drops lines, counts them and never throws into logging.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FullDiskTests {

    private static final int ROWS = 200;

    /** Bigger than the WAL file left by setting up, so that writing it needs new space on the disk. */
    private static final int PAYLOAD_BYTES = 4096;

    @TempDir
    Path dir;

    private final TestMounts mounts = new TestMounts();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    WriteBufferAutoConfiguration.class))
            .withBean(ItemService.class);

    @AfterEach
    void unmount() {
        this.mounts.close();
    }

    @Test
    void writesFailWithSqliteFullUnretriedAndTheWriteBufferKeepsItsRowsUntilThereIsSpace() throws Exception {
        Path disk = smallDisk();
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + disk.resolve("app.db"),
                        // Flushes happen when the test asks: not on a timer, nor early for a full batch.
                        "sqlite.hybrid.write-buffer.flush-interval=1h",
                        "sqlite.hybrid.write-buffer.flush-batch-size=1000",
                        "sqlite.hybrid.write-buffer.max-pending=10000")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, payload BLOB)");
                    ItemService items = context.getBean(ItemService.class);
                    items.insert(-1, 1);
                    WriteBuffer buffer = context.getBean(WriteBuffer.class);
                    for (int id = 0; id < ROWS; id++) {
                        buffer.upsert("items", item(id, 1), "id");
                    }
                    Path ballast = fill(disk);

                    // A direct write fails at once with SQLITE_FULL, once: it is not a lock error.
                    Throwable failure = catchThrowable(() -> items.insert(-2, 1));
                    assertThat(sqliteCode(failure)).as("%s", failure).isEqualTo(SQLiteErrorCode.SQLITE_FULL);
                    assertThat(failure).hasStackTraceContaining("database or disk is full");
                    assertThat(items.invocations()).isEqualTo(2);
                    DbRetryStats retry = context.getBean(LockStatistics.class).totals();
                    assertThat(retry.lockErrors()).isZero();
                    assertThat(retry.retries()).isZero();

                    // The batch the disk cannot take stays pending as a whole; none of its rows is a dead letter.
                    // (Take back first whatever space SQLite's failed write may have given back.)
                    Path more = fill(disk, "ballast-2");
                    Throwable flushFailure = catchThrowable(buffer::flush);
                    assertThat(flushFailure).isInstanceOf(WriteBufferFlushException.class);
                    assertThat(flushFailure).hasStackTraceContaining("database or disk is full");
                    assertThat(((WriteBufferFlushException) flushFailure).getRowsWritten())
                            .isZero();
                    WriteBufferStats failed = buffer.stats();
                    assertThat(failed.pending()).isEqualTo(ROWS);
                    assertThat(failed.deadLetters()).isZero();
                    assertThat(failed.failed()).isPositive();
                    assertThat(failed.lastFlushError()).contains("full");
                    // Newer values for half the rows arrive while the disk is full, then another flush fails.
                    for (int id = 0; id < ROWS; id += 2) {
                        buffer.upsert("items", item(id, 2), "id");
                    }
                    assertThat(catchThrowable(buffer::flush)).isInstanceOf(WriteBufferFlushException.class);
                    assertThat(buffer.stats().deadLetters()).isZero();

                    // The application is still up: it reads, and the context runs.
                    assertThat(context.isRunning()).isTrue();
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM items", Integer.class))
                            .isEqualTo(1);

                    Files.delete(ballast);
                    Files.delete(more);
                    buffer.flush();
                    assertThat(buffer.stats().pending()).isZero();
                    assertThat(buffer.stats().deadLetters()).isZero();
                    List<Map<String, Object>> rows = jdbc.queryForList(
                            "SELECT id, version, length(payload) AS size FROM items WHERE id >= 0" + " ORDER BY id");
                    assertThat(rows).hasSize(ROWS);
                    for (int id = 0; id < ROWS; id++) {
                        Map<String, Object> row = rows.get(id);
                        assertThat(((Number) row.get("id")).intValue()).isEqualTo(id);
                        assertThat(((Number) row.get("version")).intValue())
                                .as("version of row %d", id)
                                .isEqualTo((id % 2 == 0) ? 2 : 1);
                        assertThat(((Number) row.get("size")).intValue()).isEqualTo(PAYLOAD_BYTES);
                    }
                    // And direct writes work again.
                    items.insert(-2, 1);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM items", Integer.class))
                            .isEqualTo(ROWS + 2);
                });
    }

    @Test
    void theLogDatabaseCountsTheLinesItCannotWriteAndNeverThrowsIntoLogging() throws Exception {
        Path disk = smallDisk();
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(disk.resolve("logs.db").toString());
        properties.setFlushInterval(Duration.ofMillis(50));
        Logger logger = (Logger) LoggerFactory.getLogger("io.github.sqlitehybrid.fulldisk");
        // Only the log database receives these lines: the console would drown in them.
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        String line = "x".repeat(PAYLOAD_BYTES);
        try (LogDatabase logs = new LogDatabase(properties, logger.getName())) {
            logs.start();
            logger.info("before the disk filled up");
            assertThat(logs.flush(Duration.ofSeconds(30))).isTrue();
            Path ballast = fill(disk);

            assertThatNoException().isThrownBy(() -> {
                for (int i = 0; i < ROWS; i++) {
                    logger.info("line {} {}", i, line);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                LogDatabaseStats stats = logs.stats();
                return stats.pending() == 0 && stats.failed() + stats.dropped() > 0;
            });
            LogDatabaseStats full = logs.stats();
            assertThat(full.lastError()).contains("full");
            assertThat(full.logged() + full.failed() + full.dropped()).isEqualTo(ROWS + 1);

            Files.delete(ballast);
            logger.info("after space was freed");
            assertThat(logs.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(logs.stats().logged()).isGreaterThan(full.logged());
            assertThat(logs.recent(1, org.slf4j.event.Level.TRACE))
                    .extracting("message")
                    .containsExactly("after space was freed");
        } finally {
            logger.setAdditive(true);
        }
    }

    /** A fresh 8 MiB tmpfs, or the test is skipped. */
    private Path smallDisk() throws IOException {
        Path disk = Files.createDirectories(this.dir.resolve("disk"));
        String failure = this.mounts.tmpfs(disk, "size=8m");
        Assumptions.assumeTrue(failure == null, () -> "cannot mount a size-limited tmpfs here: " + failure);
        return disk;
    }

    /** Write a ballast file until the file system has no space left. */
    private static Path fill(Path disk) throws IOException {
        return fill(disk, "ballast");
    }

    private static Path fill(Path disk, String name) throws IOException {
        Path ballast = disk.resolve(name);
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(ballast)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // No space left: exactly what is wanted.
        }
        assertThat(Files.getFileStore(disk).getUsableSpace()).isLessThan(PAYLOAD_BYTES);
        return ballast;
    }

    private static Map<String, Object> item(int id, int version) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("version", version);
        byte[] payload = new byte[PAYLOAD_BYTES];
        new java.util.Random(id * 31L + version).nextBytes(payload);
        row.put("payload", payload);
        return row;
    }

    private static SQLiteErrorCode sqliteCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                return sqlite.getResultCode();
            }
        }
        return null;
    }

    /** Direct writes with {@code @DbRetry}, counting each invocation. */
    static class ItemService {

        private final AtomicInteger invocations = new AtomicInteger();

        private final JdbcTemplate jdbc;

        ItemService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        public int invocations() {
            return this.invocations.get();
        }

        @DbRetry
        @Transactional
        public void insert(int id, int version) {
            this.invocations.incrementAndGet();
            this.jdbc.update(
                    "INSERT INTO items (id, version, payload) VALUES (?, ?, randomblob(?))", id, version, 64 * 1024);
        }
    }
}
