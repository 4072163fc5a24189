package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commit coalescing on real SQLite files, with {@code busy_timeout} 0 so that any contention reaching SQLite would
 * fail at once. Groups are formed two ways: by many threads at once, and step by step, a first transaction
 * holding the turn while the others queue behind it, so that each group's members are known.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
class CommitCoalescingTests {

    /** Groups built step by step stay open as long as the steps take. */
    private static final String STEPPED = "sqlite.hybrid.writer.coalescing.max-age=30s";

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

    @RepeatedTest(10)
    void concurrentTransactionsShareCommitsAndEachIsVisibleToAnotherConnectionWhenItsCommitReturns() {
        int threads = 24;
        int perThread = 40;
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate transaction = named(context, "EventService.record");
            AtomicInteger invisibleAtCommit = new AtomicInteger();
            List<Integer> done = runConcurrently(threads, (worker) -> {
                List<Integer> mine = new ArrayList<>();
                try (Connection other = plainConnection()) {
                    for (int seq = 0; seq < perThread; seq++) {
                        int id = worker * perThread + seq;
                        transaction.executeWithoutResult((status) -> {
                            jdbc.update("INSERT INTO events (id, worker) VALUES (?, ?)", id, worker);
                            afterCommit(() -> {
                                if (!exists(other, id)) {
                                    invisibleAtCommit.incrementAndGet();
                                }
                            });
                        });
                        if (!exists(other, id)) {
                            invisibleAtCommit.incrementAndGet();
                        }
                        mine.add(id);
                    }
                }
                return mine;
            });
            assertThat(done).hasSize(threads * perThread).doesNotHaveDuplicates();
            assertThat(ids(jdbc)).as("rows").containsExactlyInAnyOrderElementsOf(done);
            assertThat(invisibleAtCommit)
                    .as("commits reported before another connection could see them")
                    .hasValue(0);
            WriterStats.Coalescing coalescing = turn(context).stats().coalescing();
            assertThat(coalescing.transactions()).isEqualTo(threads * perThread);
            assertThat(coalescing.commits())
                    .as("COMMITs for %d transactions", threads * perThread)
                    .isLessThan(threads * perThread);
        });
    }

    @RepeatedTest(5)
    void transactionsThatRollBackLeaveTheOthersOfTheirGroupsCommitted() {
        int threads = 16;
        int perThread = 30;
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate transaction = named(context, "EventService.record");
            List<Integer> committed = runConcurrently(threads, (worker) -> {
                List<Integer> mine = new ArrayList<>();
                for (int seq = 0; seq < perThread; seq++) {
                    int id = worker * perThread + seq;
                    boolean fails = id % 3 == 0;
                    try {
                        transaction.executeWithoutResult((status) -> {
                            jdbc.update("INSERT INTO events (id, worker) VALUES (?, ?)", id, worker);
                            jdbc.update("INSERT INTO events (id, worker) VALUES (?, ?)", id + 100_000, worker);
                            if (fails) {
                                throw new IllegalStateException("rolled back on purpose");
                            }
                        });
                        mine.add(id);
                        mine.add(id + 100_000);
                    } catch (IllegalStateException expected) {
                        assertThat(fails).isTrue();
                    }
                }
                return mine;
            });
            assertThat(ids(jdbc)).containsExactlyInAnyOrderElementsOf(committed);
            assertThat(committed).hasSize(2 * (threads * perThread - (threads * perThread + 2) / 3));
            assertThat(turn(context).stats().coalescing().avgTransactionsPerCommit())
                    .isGreaterThan(1.0);
        });
    }

    @Test
    void anotherConnectionSeesNoneOfAGroupUntilItsCommitAndThenAllOfIt() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            try (Connection other = plainConnection();
                    Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> second = steps.queued("Second.run", (t) -> t.update("INSERT INTO events VALUES (2, 0)"));
                CountDownLatch lastWrote = new CountDownLatch(1);
                CountDownLatch finishLast = new CountDownLatch(1);
                Future<?> last = steps.queued("Last.run", (t) -> {
                    t.update("INSERT INTO events VALUES (3, 0)");
                    lastWrote.countDown();
                    await(finishLast);
                });
                steps.releaseFirst();
                await(lastWrote);
                assertThat(count(other)).as("rows seen while the group is open").isZero();
                assertThat(first.isDone() || second.isDone())
                        .as("a commit returned before its COMMIT")
                        .isFalse();
                finishLast.countDown();
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);
                last.get(30, TimeUnit.SECONDS);
                assertThat(count(other)).as("rows seen once the COMMIT is done").isEqualTo(3);
            }
            assertThat(turn(context).stats().coalescing().commits()).isEqualTo(1);
            assertThat(ids(jdbc)).containsExactly(1, 2, 3);
        });
    }

    @Test
    void aCommitThatFailsFailsEveryTransactionInItAndNoneIsReportedCommitted() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            jdbc.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
            jdbc.execute("CREATE TABLE child (id INTEGER PRIMARY KEY,"
                    + " parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
            AtomicInteger afterCommits = new AtomicInteger();
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> second = steps.queued("Second.run", (t) -> {
                    t.update("INSERT INTO events VALUES (2, 0)");
                    afterCommit(afterCommits::incrementAndGet);
                });
                // Checked only at COMMIT: the orphan fails the COMMIT the three share.
                Future<?> orphan = steps.queued("Orphan.run", (t) -> {
                    t.update("INSERT INTO child VALUES (1, 42)");
                    afterCommit(afterCommits::incrementAndGet);
                });
                steps.releaseFirst();
                for (Future<?> each : List.of(first, second, orphan)) {
                    assertThatThrownBy(() -> each.get(30, TimeUnit.SECONDS))
                            .hasStackTraceContaining("The COMMIT shared by 3 write transactions failed")
                            .hasStackTraceContaining("FOREIGN KEY constraint failed");
                }
            }
            assertThat(afterCommits).as("afterCommit callbacks run").hasValue(0);
            assertThat(ids(jdbc)).isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM child", Integer.class))
                    .isZero();
            jdbc.update("INSERT INTO events VALUES (4, 0)");
            assertThat(ids(jdbc)).as("rows after the next write").containsExactly(4);
        });
    }

    @Test
    void aStatementAfterWhichSqliteRollsBackFailsEveryTransactionWaitingInTheGroup() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            jdbc.update("INSERT INTO events VALUES (100, 0)");
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> second = steps.queued("Second.run", (t) -> t.update("INSERT INTO events VALUES (2, 0)"));
                // ON CONFLICT ROLLBACK ends SQLite's whole transaction, the others' work with it.
                Future<?> rollingBack = steps.queued(
                        "RollingBack.run", (t) -> t.update("INSERT OR ROLLBACK INTO events VALUES (100, 1)"));
                steps.releaseFirst();
                assertThatThrownBy(() -> rollingBack.get(30, TimeUnit.SECONDS)).hasStackTraceContaining("UNIQUE");
                for (Future<?> waiting : List.of(first, second)) {
                    assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                            .hasStackTraceContaining("SQLite rolled back the transaction that 2 earlier");
                }
            }
            assertThat(ids(jdbc)).containsExactly(100);
        });
    }

    @Test
    void aNestedTransactionRolledBackInsideAGroupMemberUndoesOnlyItsOwnWork() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate nested = named(context, "Nested.run");
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> member = steps.queued("Member.run", (t) -> {
                    t.update("INSERT INTO events VALUES (2, 0)");
                    try {
                        nested.executeWithoutResult((status) -> {
                            t.update("INSERT INTO events VALUES (3, 0)");
                            throw new IllegalStateException("nested rolled back");
                        });
                    } catch (IllegalStateException expected) {
                        // the member goes on
                    }
                    nested.executeWithoutResult((status) -> t.update("INSERT INTO events VALUES (4, 0)"));
                });
                Future<?> last = steps.queued("Last.run", (t) -> t.update("INSERT INTO events VALUES (5, 0)"));
                steps.releaseFirst();
                first.get(30, TimeUnit.SECONDS);
                member.get(30, TimeUnit.SECONDS);
                last.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids(jdbc)).containsExactly(1, 2, 4, 5);
            assertThat(turn(context).stats().coalescing().avgTransactionsPerCommit())
                    .isGreaterThan(1.0);
        });
    }

    @Test
    void statementsThatCannotRunInATransactionCommitTheOpenGroupFirst() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> second = steps.queued("Second.run", (t) -> t.update("INSERT INTO events VALUES (2, 0)"));
                Future<?> vacuum = steps.autoCommit("VACUUM");
                steps.releaseFirst();
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);
                vacuum.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids(jdbc)).containsExactly(1, 2);
            jdbc.execute("PRAGMA user_version = 7");
            assertThat(jdbc.queryForObject("PRAGMA user_version", Integer.class))
                    .isEqualTo(7);
        });
    }

    @Test
    void autoCommitWritesJoinTheGroupAndARejectedOneLeavesTheOthersCommitted() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                Future<?> insert = steps.autoCommit("INSERT INTO events VALUES (2, 0)");
                Future<?> duplicate = steps.autoCommit("INSERT INTO events VALUES (1, 9)");
                Future<?> last = steps.queued("Last.run", (t) -> t.update("INSERT INTO events VALUES (3, 0)"));
                steps.releaseFirst();
                first.get(30, TimeUnit.SECONDS);
                insert.get(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> duplicate.get(30, TimeUnit.SECONDS)).hasStackTraceContaining("UNIQUE");
                last.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids(jdbc)).containsExactly(1, 2, 3);
            assertThat(jdbc.queryForObject("SELECT worker FROM events WHERE id = 1", Integer.class))
                    .isZero();
            assertThat(turn(context).stats().coalescing().commits()).isEqualTo(1);
        });
    }

    @Test
    void aGroupHandedToAWaiterThatLeavesIsCommittedByItsOwnTransactions() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            WriteTurn turn = turn(context);
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                // A waiter that takes the turn and gives it back without writing, as one that timed out would.
                Future<?> leaving = steps.pool.submit(() -> {
                    turn.release(turn.acquireJoining("leaving", java.time.Duration.ofSeconds(30)));
                    return null;
                });
                steps.awaitWaiting(1);
                steps.releaseFirst();
                leaving.get(30, TimeUnit.SECONDS);
                first.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids(jdbc)).containsExactly(1);
            assertAnotherConnectionCanWriteAtOnce();
        });
    }

    @Test
    void aWriterOnItsOwnConnectionGetsTheTurnOnlyAfterTheOpenGroupIsCommitted() throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            WriteTurn turn = turn(context);
            try (Steps steps = new Steps(context)) {
                Future<?> first = steps.holdingTheTurn("First.run", 1);
                // As the group commit writer does: the public acquire, then SQL on a connection of its own.
                Future<?> own = steps.pool.submit(() -> {
                    WriteTurn.Holder holder = turn.acquire("own connection", java.time.Duration.ofSeconds(30));
                    try {
                        assertAnotherConnectionCanWriteAtOnce();
                    } finally {
                        turn.release(holder);
                    }
                    return null;
                });
                steps.awaitWaiting(1);
                steps.releaseFirst();
                own.get(30, TimeUnit.SECONDS);
                first.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids(jdbc)).containsExactly(1);
        });
    }

    @Test
    void aLoneWriterCommitsEachTransactionAtOnce() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate transaction = named(context, "EventService.record");
            try (Connection other = plainConnection()) {
                for (int id = 0; id < 20; id++) {
                    int row = id;
                    transaction.executeWithoutResult((status) -> jdbc.update("INSERT INTO events VALUES (?, 0)", row));
                    assertThat(exists(other, row)).isTrue();
                }
            }
            WriterStats.Coalescing coalescing = turn(context).stats().coalescing();
            assertThat(coalescing.commits())
                    .isEqualTo(coalescing.transactions())
                    .isEqualTo(20);
        });
    }

    @Test
    void maxTransactionsBoundsEachCommit() {
        withDatabase("sqlite.hybrid.writer.coalescing.max-transactions=3").run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate transaction = named(context, "EventService.record");
            runConcurrently(8, (worker) -> {
                for (int seq = 0; seq < 50; seq++) {
                    int id = worker * 50 + seq;
                    transaction.executeWithoutResult(
                            (status) -> jdbc.update("INSERT INTO events VALUES (?, ?)", id, worker));
                }
                return List.of();
            });
            assertThat(ids(jdbc)).hasSize(400);
            WriterStats.Coalescing coalescing = turn(context).stats().coalescing();
            assertThat(coalescing.commits()).isGreaterThanOrEqualTo(400 / 3);
        });
    }

    /**
     * Why coalescing is off by default: Spring Batch's multi-threaded steps write a chunk, then take a semaphore
     * that the step's previous chunk releases after its commit. With coalescing that commit waits for the holder,
     * which waits for the semaphore. The wait is reported, naming the property; here the test breaks it.
     */
    @Test
    void aHolderWaitingForALockThatACommittingMemberHoldsIsReportedAsALikelyDeadlock(CapturedOutput output)
            throws Exception {
        withDatabase(STEPPED).run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            java.util.concurrent.Semaphore stepLock = new java.util.concurrent.Semaphore(1);
            try (Steps steps = new Steps(context)) {
                CountDownLatch firstLocked = new CountDownLatch(1);
                Future<?> first =
                        steps.pool.submit(() -> named(context, "Chunk.first").executeWithoutResult((s) -> {
                            jdbc.update("INSERT INTO events VALUES (1, 0)");
                            stepLock.acquireUninterruptibly();
                            afterCompletion(stepLock::release);
                            firstLocked.countDown();
                            steps.awaitWaiting(1);
                        }));
                Future<?> second = steps.pool.submit(() -> {
                    await(firstLocked);
                    named(context, "Chunk.second").executeWithoutResult((s) -> {
                        jdbc.update("INSERT INTO events VALUES (2, 0)");
                        stepLock.acquireUninterruptibly();
                        afterCompletion(stepLock::release);
                    });
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!output.getOut().contains("sqlite.hybrid.writer.coalescing.enabled=false")) {
                    assertThat(System.nanoTime() < deadline)
                            .as("the stuck COMMIT is reported")
                            .isTrue();
                    Thread.sleep(100);
                }
                assertThat(first.isDone() || second.isDone()).isFalse();
                stepLock.release(); // what nothing in the application would do
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);
            }
            assertThat(output.getOut()).contains("has waited more than 5 s for the COMMIT");
            assertThat(ids(jdbc)).containsExactly(1, 2);
        });
    }

    @Test
    void offByDefault() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("default.db"))
                .run((context) -> {
                    JdbcTemplate jdbc = createEvents(context);
                    TransactionTemplate transaction = named(context, "EventService.record");
                    runConcurrently(8, (worker) -> {
                        for (int seq = 0; seq < 25; seq++) {
                            int id = worker * 25 + seq;
                            transaction.executeWithoutResult(
                                    (status) -> jdbc.update("INSERT INTO events VALUES (?, ?)", id, worker));
                        }
                        return List.of();
                    });
                    assertThat(ids(jdbc)).hasSize(200);
                    assertThat(turn(context).stats().coalescing().commits()).isZero();
                });
    }

    @Test
    void turnedOffEachTransactionCommitsAlone() {
        withDatabase("sqlite.hybrid.writer.coalescing.enabled=false").run((context) -> {
            JdbcTemplate jdbc = createEvents(context);
            TransactionTemplate transaction = named(context, "EventService.record");
            runConcurrently(8, (worker) -> {
                for (int seq = 0; seq < 25; seq++) {
                    int id = worker * 25 + seq;
                    transaction.executeWithoutResult(
                            (status) -> jdbc.update("INSERT INTO events VALUES (?, ?)", id, worker));
                }
                return List.of();
            });
            assertThat(ids(jdbc)).hasSize(200);
            assertThat(turn(context).stats().coalescing().commits()).isZero();
        });
    }

    @Test
    void badBoundsFailNamingTheProperty() {
        withDatabase("sqlite.hybrid.writer.coalescing.max-transactions=0")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("sqlite.hybrid.writer.coalescing.max-transactions")
                        .hasStackTraceContaining("must be at least 1"));
        withDatabase("sqlite.hybrid.writer.coalescing.max-age=0")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("sqlite.hybrid.writer.coalescing.max-age"));
    }

    // Setup

    private ApplicationContextRunner withDatabase(String... properties) {
        return this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("coalescing.db"),
                        "spring.datasource.hikari.maximum-pool-size=8",
                        "sqlite.hybrid.pragmas.busy-timeout=0",
                        "sqlite.hybrid.writer.coalescing.enabled=true")
                .withPropertyValues(properties);
    }

    private static JdbcTemplate createEvents(AssertableApplicationContext context) {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL)");
        return jdbc;
    }

    /** Named as {@code @Transactional} names its transactions: the writer remembers how long each name holds. */
    private static TransactionTemplate named(AssertableApplicationContext context, String name) {
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        transaction.setName(name);
        return transaction;
    }

    private static WriteTurn turn(AssertableApplicationContext context) {
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class)).getWriteTurn();
    }

    private Connection plainConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("coalescing.db"));
    }

    private void assertAnotherConnectionCanWriteAtOnce() throws SQLException {
        try (Connection other = plainConnection();
                Statement statement = other.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 0");
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("COMMIT");
        }
    }

    private static boolean exists(Connection other, int id) {
        try (Statement statement = other.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM events WHERE id = " + id)) {
            return rs.next() && rs.getInt(1) == 1;
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int count(Connection other) throws SQLException {
        try (Statement statement = other.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Integer> ids(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT id FROM events ORDER BY id", Integer.class);
    }

    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    private static void afterCompletion(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                action.run();
            }
        });
    }

    private static <T> List<T> runConcurrently(int threads, Worker<T> worker) {
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
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch").isTrue();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @FunctionalInterface
    interface Worker<T> {

        List<T> run(int worker) throws Exception;
    }

    /**
     * A group built step by step: a first transaction takes the turn and waits; each next one is started and
     * seen waiting for the turn before the one after it, so that they take it in that order once the first ends.
     */
    private static final class Steps implements AutoCloseable {

        private final ExecutorService pool = Executors.newCachedThreadPool();

        private final AssertableApplicationContext context;

        private final JdbcTemplate jdbc;

        private final CountDownLatch releaseFirst = new CountDownLatch(1);

        private int queued;

        Steps(AssertableApplicationContext context) {
            this.context = context;
            this.jdbc = context.getBean(JdbcTemplate.class);
        }

        Future<?> holdingTheTurn(String name, int id) {
            CountDownLatch wrote = new CountDownLatch(1);
            Future<?> first = this.pool.submit(() -> named(this.context, name).executeWithoutResult((status) -> {
                this.jdbc.update("INSERT INTO events VALUES (?, 0)", id);
                wrote.countDown();
                await(this.releaseFirst);
            }));
            await(wrote);
            return first;
        }

        Future<?> queued(String name, Consumer<JdbcTemplate> work) {
            Future<?> future = this.pool.submit(
                    () -> named(this.context, name).executeWithoutResult((status) -> work.accept(this.jdbc)));
            awaitWaiting(++this.queued);
            return future;
        }

        Future<?> autoCommit(String sql) {
            Future<?> future = this.pool.submit(() -> this.jdbc.execute(sql));
            awaitWaiting(++this.queued);
            return future;
        }

        void awaitWaiting(int waiting) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (turn(this.context).waiting() < waiting) {
                assertThat(System.nanoTime() < deadline)
                        .as("%d waiting for the turn", waiting)
                        .isTrue();
                Thread.onSpinWait();
            }
        }

        void releaseFirst() {
            this.releaseFirst.countDown();
        }

        @Override
        public void close() {
            this.releaseFirst.countDown();
            this.pool.shutdownNow();
        }
    }
}
