package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetry;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryStats;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.sqlite.SQLiteException;

/**
 * Another process, a JVM of its own, holds an exclusive lock on the database for two seconds while eight
 * threads write through the auto-configured single-writer DataSource, half with {@code @DbRetry}, half with
 * {@link DbRetryTemplate}. Every row must arrive exactly once, no caller may see an exception, and the lock
 * metrics must show the wait.
 */
class OtherProcessHoldsTheLockTests {

    private static final int THREADS = 8;

    /** Rows each thread writes at least after the other process let go, so that writes follow the lock too. */
    private static final int ROWS_AFTER_LOCK = 20;

    private static final long HOLD_MILLIS = 2000;

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
                    SingleWriterAutoConfiguration.class))
            .withBean(RowWriter.class);

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void writesWaitInTheBusyHandlerWhileTheLockIsShorterThanTheBusyTimeout() {
        // Far longer than the lock, even on a loaded machine: no write may fail.
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("held.db"),
                        "sqlite.hybrid.pragmas.busy-timeout=60s")
                .run((context) -> {
                    MeterRegistry registry = bindWriterMeters(context);
                    writeWhileAnotherProcessHoldsTheLock(context);

                    WriterStats turn = writeTurn(context).stats();
                    DbRetryStats retry = context.getBean(LockStatistics.class).totals();
                    print("busy_timeout 60s", turn, retry);
                    // One BEGIN IMMEDIATE waited, in SQLite's busy handler, for most of the other process's hold.
                    assertThat(turn.lockFailures()).isZero();
                    assertThat(turn.maxLockWaitMs()).isGreaterThan(HOLD_MILLIS * 0.75);
                    Timer lockWait =
                            registry.get("sqlite.hybrid.writer.lock.wait").timer();
                    assertThat(lockWait.totalTime(TimeUnit.MILLISECONDS)).isGreaterThan(HOLD_MILLIS * 0.75);
                    assertThat(lockWait.count()).isEqualTo(turn.locks());
                    assertThat(lockWait.max(TimeUnit.MILLISECONDS)).isEqualTo(turn.maxLockWaitMs());
                    assertThat(registry.get("sqlite.hybrid.writer.lock.wait.max")
                                    .gauge()
                                    .value())
                            .isEqualTo(turn.maxLockWaitMs());
                    // The turn's waits and holds are timers too: one of each per turn taken.
                    assertThat(registry.get("sqlite.hybrid.writer.turn.wait")
                                    .timer()
                                    .count())
                            .isEqualTo(turn.acquisitions());
                    assertThat(registry.get("sqlite.hybrid.writer.turn.hold")
                                    .timer()
                                    .max(TimeUnit.MILLISECONDS))
                            .isEqualTo(turn.maxHoldMs());
                    // Meanwhile the others waited for the write turn.
                    assertThat(turn.maxWaitMs()).isGreaterThan(HOLD_MILLIS * 0.5);
                    assertThat(retry.lockErrors()).isZero();
                    assertThat(retry.failures()).isZero();
                });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void writesFailWithSqliteBusyAndAreRetriedWhenTheBusyTimeoutIsShorterThanTheLock() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("held.db"),
                        "sqlite.hybrid.pragmas.busy-timeout=200ms",
                        // A generous budget: up to 200 attempts 50-200 ms apart outlast the two-second lock.
                        "sqlite.hybrid.retry.max-attempts=200",
                        "sqlite.hybrid.retry.initial-delay=50ms",
                        "sqlite.hybrid.retry.max-delay=200ms")
                .run((context) -> {
                    MeterRegistry registry = bindWriterMeters(context);
                    writeWhileAnotherProcessHoldsTheLock(context);

                    WriterStats turn = writeTurn(context).stats();
                    DbRetryStats retry = context.getBean(LockStatistics.class).totals();
                    print("busy_timeout 200ms", turn, retry);
                    assertThat(turn.lockFailures()).isPositive();
                    assertThat(turn.maxLockWaitMs()).isGreaterThanOrEqualTo(150);
                    assertThat(registry.get("sqlite.hybrid.writer.lock.failures")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(turn.lockFailures());
                    assertThat(retry.lockErrors()).isPositive();
                    assertThat(retry.lockErrorCodes()).containsKey("SQLITE_BUSY");
                    assertThat(retry.recoveries()).isPositive();
                    assertThat(retry.failures()).isZero();
                    // A failed BEGIN IMMEDIATE gave the turn back and left its connection fit for the next
                    // transaction: nothing holds the turn, and the pool's connections still write atomically.
                    assertThat(turn.holder()).isNull();
                    assertThat(turn.timeouts()).isZero();
                });
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aFailedBeginImmediateGivesTheTurnBackAndLeavesItsConnectionFitForTheNextTransaction() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("held.db"),
                        // One pooled connection: the next transaction gets the one whose BEGIN failed.
                        "spring.datasource.hikari.maximum-pool-size=1",
                        "sqlite.hybrid.pragmas.busy-timeout=100ms")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE rows (thread INTEGER NOT NULL, seq INTEGER NOT NULL)");
                    TransactionTemplate transaction =
                            new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
                    WriteTurn turn = writeTurn(context);
                    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("held.db"));
                            Statement statement = other.createStatement()) {
                        // A connection of its own, outside the pool and the turn: to SQLite, another process.
                        statement.execute("BEGIN EXCLUSIVE");
                        Throwable failure = catchThrowable(
                                () -> transaction.executeWithoutResult((status) -> RowWriter.write(jdbc, 0, 0)));
                        assertThat(failure).hasRootCauseInstanceOf(SQLiteException.class);
                        assertThat(turn.holder()).isNull();
                        assertThat(turn.stats().lockFailures()).isEqualTo(1);
                        statement.execute("COMMIT");
                    }
                    // A rolled-back transaction leaves nothing behind: its statements ran inside BEGIN ... ROLLBACK,
                    // not one by one in auto-commit.
                    Throwable rolledBack = catchThrowable(() -> transaction.executeWithoutResult((status) -> {
                        jdbc.update("INSERT INTO rows (thread, seq) VALUES (1, 1)");
                        throw new IllegalStateException("roll back");
                    }));
                    assertThat(rolledBack).hasMessage("roll back");
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM rows", Integer.class))
                            .isZero();
                    transaction.executeWithoutResult(
                            (status) -> jdbc.update("INSERT INTO rows (thread, seq) VALUES (2, 2)"));
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM rows", Integer.class))
                            .isEqualTo(1);
                    assertThat(turn.holder()).isNull();
                });
    }

    private void writeWhileAnotherProcessHoldsTheLock(AssertableApplicationContext context) throws Exception {
        assertThat(context).hasNotFailed();
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        jdbc.execute("CREATE TABLE rows (thread INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (thread, seq))");
        jdbc.execute("CREATE TABLE totals (thread INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
        RowWriter annotated = context.getBean(RowWriter.class);
        DbRetryTemplate retry = context.getBean(DbRetryTemplate.class);
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

        AtomicBoolean released = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<List<Integer>> done = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(THREADS);
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                List<Integer> mine = new ArrayList<>();
                done.add(mine);
                futures.add(pool.submit(() -> {
                    started.countDown();
                    int afterRelease = 0;
                    for (int seq = 0; afterRelease < ROWS_AFTER_LOCK; seq++) {
                        boolean wasReleased = released.get();
                        int row = seq;
                        try {
                            if (thread % 2 == 0) {
                                annotated.write(thread, row);
                            } else {
                                retry.run(
                                        "RowWriter.template",
                                        () -> transaction.executeWithoutResult(
                                                (status) -> RowWriter.write(jdbc, thread, row)));
                            }
                            mine.add(row);
                            written.incrementAndGet();
                        } catch (Throwable ex) {
                            errors.add(ex);
                            return;
                        }
                        if (wasReleased) {
                            afterRelease++;
                        }
                    }
                }));
            }
            started.await();
            waitUntil(() -> written.get() >= THREADS * 10 || !errors.isEmpty());
            holdTheLockInAnotherProcess();
            released.set(true);
            for (Future<?> future : futures) {
                future.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(errors).isEmpty();
        int rows = 0;
        for (int t = 0; t < THREADS; t++) {
            List<Integer> mine = done.get(t);
            rows += mine.size();
            assertThat(jdbc.queryForList("SELECT seq FROM rows WHERE thread = ? ORDER BY seq", Integer.class, t))
                    .as("rows of thread %d", t)
                    .isEqualTo(mine);
            assertThat(jdbc.queryForObject("SELECT n FROM totals WHERE thread = ?", Integer.class, t))
                    .isEqualTo(mine.size());
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM rows", Integer.class))
                .isEqualTo(rows);
    }

    /** Run {@link ExclusiveLockHolder} in a JVM of its own; return once it has let go and exited. */
    private void holdTheLockInAnotherProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ExclusiveLockHolder.class.getName(),
                        this.dir.resolve("held.db").toString(),
                        Long.toString(HOLD_MILLIS))
                .redirectErrorStream(true)
                .start();
        try {
            List<String> output = new ArrayList<>();
            CountDownLatch locked = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (output) {
                            output.add(line);
                        }
                        if (line.equals(ExclusiveLockHolder.LOCKED)) {
                            locked.countDown();
                        }
                    }
                } catch (Exception ex) {
                    // The process ended; its exit code tells.
                }
            });
            reader.start();
            assertThat(locked.await(60, TimeUnit.SECONDS))
                    .as("the other process took the lock; its output: %s", output)
                    .isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            assertThat(process.exitValue()).as("exit code; output: %s", output).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    private static MeterRegistry bindWriterMeters(AssertableApplicationContext context) {
        MeterRegistry registry = new SimpleMeterRegistry();
        new WriteTurnMetrics(context.getBeanProvider(DataSource.class)).bindTo(registry);
        return registry;
    }

    private static WriteTurn writeTurn(AssertableApplicationContext context) {
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class)).getWriteTurn();
    }

    private static void print(String label, WriterStats turn, DbRetryStats retry) {
        System.out.println("[" + label + "] writer " + turn + "; retry calls=" + retry.calls() + " lockErrors="
                + retry.lockErrors() + " retries=" + retry.retries() + " recoveries=" + retry.recoveries()
                + " failures=" + retry.failures() + " codes=" + retry.lockErrorCodes() + " outcomes="
                + retry.outcomes());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 60 s").isNegative();
            Thread.sleep(10);
        }
    }

    /** Writes a row and bumps its thread's total in one transaction, retried on lock errors. */
    static class RowWriter {

        private final JdbcTemplate jdbc;

        RowWriter(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @DbRetry
        @Transactional
        public void write(int thread, int seq) {
            write(this.jdbc, thread, seq);
        }

        static void write(JdbcTemplate jdbc, int thread, int seq) {
            jdbc.update("INSERT INTO rows (thread, seq) VALUES (?, ?)", thread, seq);
            jdbc.update(
                    "INSERT INTO totals (thread, n) VALUES (?, 1) ON CONFLICT (thread) DO UPDATE SET n = n + 1",
                    thread);
        }
    }
}
