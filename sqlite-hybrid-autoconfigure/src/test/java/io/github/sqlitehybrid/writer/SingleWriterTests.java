package io.github.sqlitehybrid.writer;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The single writer on real SQLite files. Most tests set {@code busy_timeout} to 0: then any contention
 * that reached SQLite would fail at once, so a run without errors proves that writers waited in Java.
 */
@ExtendWith(OutputCaptureExtension.class)
class SingleWriterTests {

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
                    SingleWriterAutoConfiguration.class));

    @Test
    void closingTheContextClosesBothPoolsSoTheLastConnectionCheckpointsTheWal() {
        AtomicReference<SqliteSingleWriterDataSource> dataSource = new AtomicReference<>();
        withDatabase().run((context) -> {
            SqliteSingleWriterDataSource writer = context.getBean(SqliteSingleWriterDataSource.class);
            JdbcTemplate jdbc = new JdbcTemplate(writer);
            jdbc.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            jdbc.update("INSERT INTO t (id) VALUES (1)");
            TransactionTemplate read = new TransactionTemplate(new DataSourceTransactionManager(writer));
            read.setReadOnly(true);
            read.executeWithoutResult((status) -> jdbc.queryForObject("SELECT count(*) FROM t", Integer.class));
            assertThat(((HikariDataSource) writer.getReadPool()).isRunning())
                    .as("read pool in use")
                    .isTrue();
            dataSource.set(writer);
        });
        assertThat(((HikariDataSource) dataSource.get().getReadPool()).isClosed())
                .as("read pool")
                .isTrue();
        assertThat(((HikariDataSource) dataSource.get().getWritePool()).isClosed())
                .as("write pool")
                .isTrue();
        assertThat(this.dir.resolve("writer.db-wal"))
                .as("WAL file, checkpointed and removed by the last connection")
                .doesNotExist();
    }

    private ApplicationContextRunner withDatabase(String... properties) {
        return this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("writer.db"),
                        "spring.datasource.hikari.maximum-pool-size=8",
                        "sqlite.hybrid.pragmas.busy-timeout=0")
                .withPropertyValues(properties);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sixtyFourThreadsClaimJobsWithoutOneLockErrorOrRetry() {
        int threads = 64;
        int claimsPerThread = 50;
        int jobs = threads * claimsPerThread;
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, worker INTEGER)");
            jdbc.update(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                            + " INSERT INTO jobs (id, status) SELECT i, 'queued' FROM n",
                    jobs);
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            List<Integer> claimed = runConcurrently(threads, (worker) -> {
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < claimsPerThread; i++) {
                    mine.add(transaction.execute((status) -> {
                        // Read, then write: the deferred pattern that fails without the single writer.
                        Integer id = jdbc.queryForObject(
                                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", Integer.class);
                        int updated = jdbc.update(
                                "UPDATE jobs SET status = 'claimed', worker = ? WHERE id = ? AND status = 'queued'",
                                worker,
                                id);
                        assertThat(updated).isEqualTo(1);
                        return id;
                    }));
                }
                return mine;
            });
            assertThat(claimed).hasSize(jobs);
            assertThat(new HashSet<>(claimed)).hasSize(jobs);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE status = 'claimed'", Integer.class))
                    .isEqualTo(jobs);
            WriterStats stats = writeTurn(context).stats();
            assertThat(stats.acquisitions()).isGreaterThanOrEqualTo(jobs);
            assertThat(stats.timeouts()).isZero();
            assertThat(stats.holder()).isNull();
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void autoCommitWritesOutsideTransactionsAreSerializedToo() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute(
                    "CREATE TABLE events (thread INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (thread, seq))");
            runConcurrently(16, (thread) -> {
                for (int seq = 0; seq < 200; seq++) {
                    jdbc.update("INSERT INTO events (thread, seq) VALUES (?, ?)", thread, seq);
                }
                return List.of();
            });
            assertThat(jdbc.queryForObject("SELECT count(*) FROM events", Integer.class))
                    .isEqualTo(16 * 200);
        });
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void readersRunWhileAWriteTransactionIsOpenAndSeeTheLastCommittedState() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            jdbc.update("INSERT INTO counters VALUES ('visits', 1)");
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate write = new TransactionTemplate(manager);
            TransactionTemplate read = new TransactionTemplate(manager);
            read.setReadOnly(true);
            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch readersDone = new CountDownLatch(1);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> writing = writer.submit(() -> write.executeWithoutResult((status) -> {
                    jdbc.update("UPDATE counters SET value = 2 WHERE name = 'visits'");
                    written.countDown();
                    // Holds the write turn and SQLite's write lock until the readers are done: if they
                    // waited for the writer, this would never end.
                    await(readersDone);
                }));
                await(written);
                assertThat(writeTurn(context).holder()).isNotNull();
                Integer inReadOnlyTransaction = read.execute((status) ->
                        jdbc.queryForObject("SELECT value FROM counters WHERE name = 'visits'", Integer.class));
                Integer outsideTransactions =
                        jdbc.queryForObject("SELECT value FROM counters WHERE name = 'visits'", Integer.class);
                readersDone.countDown();
                writing.get(30, TimeUnit.SECONDS);
                assertThat(inReadOnlyTransaction).isEqualTo(1);
                assertThat(outsideTransactions).isEqualTo(1);
                assertThat(jdbc.queryForObject("SELECT value FROM counters WHERE name = 'visits'", Integer.class))
                        .isEqualTo(2);
            } finally {
                readersDone.countDown();
                writer.shutdownNow();
            }
        });
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void waitingPastTheAcquireTimeoutNamesTheHolderAndIsALockError() {
        withDatabase("sqlite.hybrid.writer.acquire-timeout=200ms").run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            write.setName("JobRepository.claimNext");
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(
                    () -> write.executeWithoutResult((status) -> {
                        jdbc.update("INSERT INTO t VALUES (1)");
                        holding.countDown();
                        await(release);
                    }),
                    "long-writer");
            holder.start();
            try {
                await(holding);
                TransactionTemplate other = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
                Throwable failure = catchThrowable(
                        () -> other.executeWithoutResult((status) -> jdbc.update("INSERT INTO t VALUES (2)")));
                assertThat(failure).hasRootCauseInstanceOf(WriteTurnTimeoutException.class);
                assertThat(failure.getCause())
                        .hasMessageContaining("'long-writer'")
                        .hasMessageContaining("JobRepository.claimNext")
                        .hasMessageContaining("sqlite.hybrid.writer.acquire-timeout");
                assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure))
                        .isEqualTo("SQLITE_BUSY");
                assertThat(writeTurn(context).stats().timeouts()).isEqualTo(1);
            } finally {
                release.countDown();
                holder.join(10_000);
            }
        });
    }

    @Test
    void aTransactionHeldPastTheThresholdIsLoggedWithItsMethodAndCounted(CapturedOutput output) {
        withDatabase("sqlite.hybrid.writer.long-transaction-threshold=50ms").run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            write.setName("ReportService.rebuild");
            write.executeWithoutResult((status) -> {
                jdbc.update("INSERT INTO t VALUES (1)");
                sleep(120);
            });
            assertThat(writeTurn(context).stats().longTransactions()).isEqualTo(1);
            assertThat(output).contains("ReportService.rebuild").contains("long-transaction-threshold");
        });
    }

    @Test
    void noPooledConnectionKeepsTheWriteLockOnceItsWorkEnds() {
        withDatabase().run((context) -> {
            DataSource dataSource = context.getBean(DataSource.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate write = new TransactionTemplate(manager);
            TransactionTemplate readOnly = new TransactionTemplate(manager);
            readOnly.setReadOnly(true);

            write.executeWithoutResult((status) -> jdbc.update("INSERT INTO t VALUES (1)"));
            assertAnotherConnectionCanWriteAtOnce(context, "after a commit");

            write.executeWithoutResult((status) -> {
                jdbc.update("INSERT INTO t VALUES (2)");
                status.setRollbackOnly();
            });
            assertAnotherConnectionCanWriteAtOnce(context, "after a rollback");

            assertThatException()
                    .isThrownBy(() -> write.executeWithoutResult((status) -> {
                        jdbc.update("INSERT INTO t VALUES (3)");
                        throw new IllegalStateException("boom");
                    }));
            assertAnotherConnectionCanWriteAtOnce(context, "after an exception");

            readOnly.executeWithoutResult((status) -> jdbc.queryForObject("SELECT count(*) FROM t", Integer.class));
            assertAnotherConnectionCanWriteAtOnce(context, "after a read-only transaction");

            jdbc.update("INSERT INTO t VALUES (4)");
            assertAnotherConnectionCanWriteAtOnce(context, "after an auto-commit write");

            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.execute("INSERT INTO t VALUES (5)");
                statement.execute("COMMIT");
                assertThat(writeTurn(context).holder()).isNull();
            }
            assertAnotherConnectionCanWriteAtOnce(context, "after BEGIN and COMMIT run as SQL");

            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO t VALUES (6)");
                }
                connection.commit();
                connection.setAutoCommit(true);
            }
            assertAnotherConnectionCanWriteAtOnce(context, "after a hand-made JDBC transaction");

            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO t VALUES (7)");
                }
                // Closed with the transaction still open: the pool rolls it back.
            }
            assertAnotherConnectionCanWriteAtOnce(context, "after a connection closed mid-transaction");
            assertThat(jdbc.queryForList("SELECT x FROM t ORDER BY x", Integer.class))
                    .containsExactly(1, 4, 5, 6);
        });
    }

    @Test
    void aReadOnlyTransactionThatWritesFailsInsteadOfWritingWithoutTheTurn() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            readOnly.setReadOnly(true);
            assertThatThrownBy(() -> readOnly.executeWithoutResult((status) -> jdbc.update("INSERT INTO t VALUES (1)")))
                    .hasMessageContaining("SQLITE_READONLY");
        });
    }

    @Test
    void aWriteOnASecondConnectionInsideAWriteTransactionThatWroteFailsAtOnceAndIsNoLockError() {
        withDatabase("sqlite.hybrid.writer.acquire-timeout=30s").run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate outer = new TransactionTemplate(manager);
            outer.setName("OrderService.place");
            TransactionTemplate inner = new TransactionTemplate(manager);
            inner.setName("AuditService.record");
            inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> outer.executeWithoutResult((status) -> {
                jdbc.update("INSERT INTO t VALUES (1)");
                inner.executeWithoutResult((nested) -> jdbc.update("INSERT INTO t VALUES (2)"));
            }));
            assertThat(failure).hasRootCauseInstanceOf(NestedWriteTransactionException.class);
            assertThat(failure.getCause())
                    .hasMessageContaining("OrderService.place")
                    .hasMessageContaining("TransactionSynchronization")
                    .hasMessageContaining("WriteBuffer");
            assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure)).isNull();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .isLessThan(10);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM t", Integer.class))
                    .isZero();
            assertAnotherConnectionCanWriteAtOnce(context, "after the failed nested transaction");
        });
    }

    @Test
    void replacesBootsPoolAndKeepsItReachable() {
        withDatabase().run((context) -> {
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(dataSource).isInstanceOf(SqliteSingleWriterDataSource.class);
            assertThat(dataSource.isWrapperFor(HikariDataSource.class)).isTrue();
            assertThat(dataSource.unwrap(HikariDataSource.class))
                    .isSameAs(((SqliteSingleWriterDataSource) dataSource).getWritePool());
        });
    }

    @Test
    void backsOffWhenDisabled() {
        withDatabase("sqlite.hybrid.writer.enabled=false")
                .run((context) -> assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class));
        withDatabase("sqlite.hybrid.enabled=false")
                .run((context) -> assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class));
    }

    @Test
    void leavesAnInMemoryDatabaseAlone() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:")
                .run((context) -> assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class));
    }

    @Test
    void badAcquireTimeoutFailsNamingTheProperty() {
        withDatabase("sqlite.hybrid.writer.acquire-timeout=0s").run((context) -> {
            assertThat(reportOf(context)).contains("'sqlite.hybrid.writer.acquire-timeout'");
        });
    }

    private void assertAnotherConnectionCanWriteAtOnce(AssertableApplicationContext context, String when)
            throws SQLException {
        assertThat(writeTurn(context).holder()).as("write turn " + when).isNull();
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("writer.db"));
                Statement statement = other.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 0");
            // Fails at once with SQLITE_BUSY if any connection still holds the write lock.
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("COMMIT");
        } catch (SQLException ex) {
            throw new AssertionError("another connection could not write " + when + ": " + ex.getMessage(), ex);
        }
    }

    private static WriteTurn writeTurn(AssertableApplicationContext context) {
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class)).getWriteTurn();
    }

    private static <T> List<T> runConcurrently(int threads, Worker<T> worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<T>>> tasks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int id = i;
                tasks.add(() -> worker.run(id));
            }
            List<T> results = new ArrayList<>();
            for (Future<List<T>> future : pool.invokeAll(tasks, 150, TimeUnit.SECONDS)) {
                results.addAll(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    interface Worker<T> {

        List<T> run(int id) throws Exception;
    }
}
