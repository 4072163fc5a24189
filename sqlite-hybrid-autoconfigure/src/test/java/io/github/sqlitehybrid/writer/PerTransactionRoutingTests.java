package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.translation.SqliteTranslationAutoConfiguration;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
import java.util.concurrent.locks.ReentrantLock;
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
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The single writer routes each transaction when it begins, not each connection at its first statement: a
 * connection that outlives its transactions (as Hibernate keeps one for a whole request with open-in-view) reads
 * on the read pool and writes behind the write turn, transaction by transaction; the turn is taken before
 * anything inside the transaction can take a lock of its own; and a second write on the same thread is either
 * served at once or refused at once. Real files, {@code busy_timeout=0}: contention that reached SQLite would fail.
 */
class PerTransactionRoutingTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    TransactionManagerCustomizationAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteTranslationAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class));

    private ApplicationContextRunner withDatabase(String... properties) {
        return this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("routing.db"),
                        "sqlite.hybrid.pragmas.busy-timeout=0")
                .withPropertyValues(properties);
    }

    @Test
    void aConnectionHeldAcrossTransactionsWritesAfterAReadOnlyOneAndReadsAfterAWriteWithoutTheTurn() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, pet TEXT NOT NULL)");
            WriteTurn turn = writeTurn(context);
            // The calls Hibernate makes on the one connection it holds for a whole request with open-in-view.
            try (Connection held = context.getBean(DataSource.class).getConnection()) {
                for (int i = 0; i < 3; i++) {
                    long before = turn.stats().acquisitions();
                    readOnlyTransaction(held, () -> count(held));
                    assertThat(turn.stats().acquisitions())
                            .as("turns taken by a read-only transaction")
                            .isEqualTo(before);
                    writeTransaction(held, () -> insert(held, "visits", "rex-" + held.hashCode() + "-" + count(held)));
                    assertThat(turn.stats().acquisitions())
                            .as("turns taken by a write transaction")
                            .isEqualTo(before + 1);
                    assertThat(turn.holder())
                            .as("turn after the write transaction")
                            .isNull();
                }
            }
            assertThat(jdbc.queryForObject("SELECT count(*) FROM visits", Integer.class))
                    .isEqualTo(3);
        });
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aReadOnlyTransactionAfterAWriteOnTheSameConnectionRunsWhileAnotherThreadHoldsTheTurn() throws Exception {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, pet TEXT NOT NULL)");
            try (Connection held = context.getBean(DataSource.class).getConnection()) {
                writeTransaction(held, () -> insert(held, "visits", "rex"));
                CountDownLatch holding = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Thread writer =
                        new Thread(() -> new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
                                .executeWithoutResult((status) -> {
                                    jdbc.update("INSERT INTO visits (pet) VALUES ('uncommitted')");
                                    holding.countDown();
                                    await(release);
                                }));
                writer.start();
                try {
                    await(holding);
                    // If the read-only transaction ran on the write side it would wait for the turn, and never end.
                    long rows = readOnlyTransaction(held, () -> count(held));
                    assertThat(rows).isEqualTo(1);
                } finally {
                    release.countDown();
                    writer.join(10_000);
                }
            }
        });
    }

    @Test
    void aWriteTransactionTakesTheTurnWhenItBeginsAndAReadOnlyOneNever() {
        withDatabase().run((context) -> {
            WriteTurn turn = writeTurn(context);
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate write = new TransactionTemplate(manager);
            write.setName("ChunkWriter.write");
            TransactionTemplate read = new TransactionTemplate(manager);
            read.setReadOnly(true);
            write.executeWithoutResult((status) -> {
                assertThat(turn.isHeldByCurrentThread())
                        .as("turn before the first statement")
                        .isTrue();
                assertThat(turn.holder().work()).isEqualTo("ChunkWriter.write");
            });
            read.executeWithoutResult((status) -> assertThat(turn.holder()).isNull());
        });
    }

    /**
     * Spring Batch's chunks take locks of Batch's own inside their transactions: some before their first write
     * (a final empty chunk updating the job repository), some after it (a chunk that wrote its items). Were the
     * turn taken at the first statement, the two orders would deadlock.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aLockTakenInsideTransactionsNeverDeadlocksWithTheTurnWhateverItsOrderWithTheFirstWrite() throws Exception {
        withDatabase("sqlite.hybrid.writer.acquire-timeout=10s").run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute(
                    "CREATE TABLE items (thread INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (thread, seq))");
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            ReentrantLock libraryLock = new ReentrantLock();
            int threads = 8;
            int perThread = 150;
            List<Throwable> failures = runConcurrently(threads, (thread) -> {
                List<Throwable> errors = new ArrayList<>();
                for (int seq = 0; seq < perThread; seq++) {
                    int n = seq;
                    boolean lockFirst = (thread + seq) % 2 == 0;
                    try {
                        transaction.executeWithoutResult((status) -> {
                            if (lockFirst) {
                                libraryLock.lock();
                            }
                            try {
                                jdbc.update("INSERT INTO items (thread, seq) VALUES (?, ?)", thread, n);
                                if (!lockFirst) {
                                    libraryLock.lock();
                                    libraryLock.unlock();
                                }
                            } finally {
                                if (lockFirst) {
                                    libraryLock.unlock();
                                }
                            }
                        });
                    } catch (RuntimeException ex) {
                        errors.add(ex);
                    }
                }
                return errors;
            });
            assertThat(failures).isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM items", Integer.class))
                    .isEqualTo(threads * perThread);
        });
    }

    @Test
    void aRequiresNewWriteInsideAWriteTransactionThatHasOnlyReadCommitsAndSurvivesTheOuterRollback() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
            jdbc.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, event TEXT NOT NULL)");
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate outer = new TransactionTemplate(manager);
            TransactionTemplate audit = new TransactionTemplate(manager);
            audit.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            long started = System.nanoTime();
            outer.executeWithoutResult((status) -> {
                jdbc.queryForObject("SELECT count(*) FROM orders", Integer.class);
                audit.executeWithoutResult((nested) -> jdbc.update("INSERT INTO audit (event) VALUES ('viewed')"));
                jdbc.update("INSERT INTO orders (item) VALUES ('book')");
            });
            Throwable rolledBack = catchThrowable(() -> outer.executeWithoutResult((status) -> {
                jdbc.queryForObject("SELECT count(*) FROM orders", Integer.class);
                audit.executeWithoutResult((nested) -> jdbc.update("INSERT INTO audit (event) VALUES ('refused')"));
                jdbc.update("INSERT INTO orders (item) VALUES ('lamp')");
                throw new IllegalStateException("payment refused");
            }));
            assertThat(rolledBack).hasMessage("payment refused");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .isLessThan(5);
            assertThat(jdbc.queryForList("SELECT item FROM orders", String.class))
                    .containsExactly("book");
            assertThat(jdbc.queryForList("SELECT event FROM audit ORDER BY id", String.class))
                    .containsExactly("viewed", "refused");
            assertThat(writeTurn(context).holder()).isNull();
        });
    }

    @Test
    void anAutoCommitWriteOnAnotherConnectionInsideAWriteTransactionThatHasNotWrittenRunsAtOnce() throws Exception {
        withDatabase().run((context) -> {
            DataSource dataSource = context.getBean(DataSource.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            try (Connection outer = dataSource.getConnection()) {
                outer.setAutoCommit(false);
                jdbc.update("INSERT INTO t VALUES (1)"); // its own connection, auto-commit
                insertValue(outer, 2);
                outer.commit();
                outer.setAutoCommit(true);
            }
            assertThat(jdbc.queryForList("SELECT x FROM t ORDER BY x", Integer.class))
                    .containsExactly(1, 2);
        });
    }

    @Test
    void aTransactionPausedForANestedWriteFailsWithALockErrorWhenAnotherProcessWroteMeanwhile() throws Exception {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            try (Connection outer = context.getBean(DataSource.class).getConnection()) {
                outer.setAutoCommit(false);
                try (Statement read = outer.createStatement()) {
                    read.executeQuery("SELECT count(*) FROM t").close();
                }
                RoutingConnection routing = (RoutingConnection) Proxy.getInvocationHandler(outer);
                assertThat(routing.pauseForNestedWrite()).isTrue();
                // What another process can do in the moment between a nested write's COMMIT and the outer
                // transaction's new BEGIN IMMEDIATE.
                try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("routing.db"));
                        Statement statement = other.createStatement()) {
                    statement.executeUpdate("INSERT INTO t VALUES (99)");
                }
                routing.resumeAfterNestedWrite();
                Throwable failure = catchThrowable(() -> insertValue(outer, 1));
                assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure))
                        .isEqualTo("SQLITE_BUSY_SNAPSHOT");
                outer.rollback();
            }
            assertThat(jdbc.queryForList("SELECT x FROM t", Integer.class)).containsExactly(99);
            assertThat(writeTurn(context).holder()).isNull();
        });
    }

    @Test
    void aNestedTransactionRollsBackToItsSavepointAndTheOuterOneCommitsTheRest() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate outer = new TransactionTemplate(manager);
            TransactionTemplate nested = new TransactionTemplate(manager);
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            outer.executeWithoutResult((status) -> {
                jdbc.update("INSERT INTO t VALUES (1)");
                assertThatException()
                        .isThrownBy(() -> nested.executeWithoutResult((inner) -> {
                            jdbc.update("INSERT INTO t VALUES (2)");
                            throw new IllegalStateException("undo the nested part");
                        }));
                nested.executeWithoutResult((inner) -> jdbc.update("INSERT INTO t VALUES (3)"));
                jdbc.update("INSERT INTO t VALUES (4)");
            });
            assertThat(jdbc.queryForList("SELECT x FROM t ORDER BY x", Integer.class))
                    .containsExactly(1, 3, 4);
        });
    }

    /**
     * Each thread keeps one connection across all its transactions, as Hibernate does with open-in-view, while
     * the pools are smaller than the number of threads: no thread holds a pooled connection while waiting for
     * the turn, so none can stall the holder.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sixteenThreadsHoldingConnectionsAcrossTransactionsWithPoolsOfFourNeverStall() throws Exception {
        withDatabase("spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=5000")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, pet TEXT NOT NULL)");
                    DataSource dataSource = context.getBean(DataSource.class);
                    int threads = 16;
                    int perThread = 60;
                    List<Throwable> failures = runConcurrently(threads, (thread) -> {
                        List<Throwable> errors = new ArrayList<>();
                        try (Connection held = dataSource.getConnection()) {
                            for (int i = 0; i < perThread; i++) {
                                try {
                                    readOnlyTransaction(held, () -> count(held));
                                    writeTransaction(held, () -> insert(held, "visits", "pet"));
                                } catch (SQLException | RuntimeException ex) {
                                    errors.add(ex);
                                }
                            }
                        }
                        return errors;
                    });
                    assertThat(failures).isEmpty();
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM visits", Integer.class))
                            .isEqualTo(threads * perThread);
                });
    }

    @Test
    void aStatementPreparedInOneTransactionRunsInTheNextAndNoTurnIsHeldBetween() throws Exception {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            WriteTurn turn = writeTurn(context);
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?)")) {
                    insert.setInt(1, 1);
                    insert.executeUpdate();
                    connection.commit();
                    assertThat(turn.holder())
                            .as("turn between two transactions")
                            .isNull();
                    insert.setInt(1, 2);
                    insert.executeUpdate();
                    insert.setInt(1, 3);
                    insert.addBatch();
                    insert.setInt(1, 4);
                    insert.addBatch();
                    insert.executeBatch();
                    connection.commit();
                }
                connection.setAutoCommit(true);
            }
            assertThat(jdbc.queryForList("SELECT x FROM t ORDER BY x", Integer.class))
                    .containsExactly(1, 2, 3, 4);
        });
    }

    @Test
    void aTransactionThatSqliteRolledBackByItselfRunsNothingMore() throws Exception {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)");
            jdbc.update("INSERT INTO t VALUES (1)");
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                connection.setAutoCommit(false);
                insertValue(connection, 2);
                try (Statement statement = connection.createStatement()) {
                    // ON CONFLICT ROLLBACK: SQLite ends the whole transaction, not just the statement.
                    assertThatThrownBy(() -> statement.executeUpdate("INSERT OR ROLLBACK INTO t VALUES (1)"))
                            .isInstanceOf(SQLException.class);
                }
                // Would run in SQLite's auto-commit mode, outside any transaction, and stay.
                assertThatThrownBy(() -> insertValue(connection, 3)).isInstanceOf(SQLException.class);
                connection.rollback();
                connection.setAutoCommit(true);
            }
            assertThat(jdbc.queryForList("SELECT x FROM t", Integer.class)).containsExactly(1);
            assertThat(writeTurn(context).holder()).isNull();
        });
    }

    @Test
    void metadataInsideAWriteTransactionSeesTheTableItCreated() throws Exception {
        withDatabase().run((context) -> {
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE migrated (id INTEGER PRIMARY KEY)");
                }
                try (ResultSet tables = connection.getMetaData().getTables(null, null, "migrated", null)) {
                    assertThat(tables.next())
                            .as("table created in the transaction")
                            .isTrue();
                }
                connection.rollback();
                try (ResultSet tables = connection.getMetaData().getTables(null, null, "migrated", null)) {
                    assertThat(tables.next()).as("table after the rollback").isFalse();
                }
                connection.setAutoCommit(true);
            }
        });
    }

    private static <T> T readOnlyTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } finally {
            connection.setAutoCommit(true);
            connection.setReadOnly(false);
        }
    }

    private static <T> T writeTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException ex) {
            connection.rollback();
            throw ex;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM visits")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int insert(Connection connection, String table, String pet) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table + " (pet) VALUES (?)")) {
            statement.setString(1, pet);
            return statement.executeUpdate();
        }
    }

    private static int insertValue(Connection connection, int value) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO t VALUES (?)")) {
            statement.setInt(1, value);
            return statement.executeUpdate();
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
            for (Future<List<T>> future : pool.invokeAll(tasks, 100, TimeUnit.SECONDS)) {
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

    @FunctionalInterface
    interface SqlWork<T> {

        T run() throws SQLException;
    }

    @FunctionalInterface
    interface Worker<T> {

        List<T> run(int id) throws Exception;
    }
}
