package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.retry.DbRetryProperties;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The group commit writer against real SQLite files. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupCommitWriterTests {

    @TempDir
    Path dir;

    private String url;

    private final List<GroupCommitWriter> writers = new ArrayList<>();

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @BeforeEach
    void createSchema() throws SQLException {
        this.url = "jdbc:sqlite:" + this.dir.resolve("group.db");
        try (Connection connection = DriverManager.getConnection(this.url);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=wal");
            statement.execute("CREATE TABLE items (name TEXT PRIMARY KEY)");
            statement.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
            statement.execute("INSERT INTO counters (id, n) VALUES (1, 0)");
            statement.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)");
            statement.execute("CREATE TABLE children (id INTEGER PRIMARY KEY,"
                    + " parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)");
        }
    }

    @AfterEach
    void stopWriters() throws InterruptedException {
        this.writers.forEach(GroupCommitWriter::close);
        this.executor.shutdownNow();
        this.executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void sixteenThreadsOfTwoThousandUnitsAreAllDurableExactlyOnce() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        int threads = 16;
        int units = 2_000;
        AtomicInteger counted = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            callers.add(this.executor.submit(() -> {
                List<CompletableFuture<Integer>> pending = new ArrayList<>();
                for (int i = 0; i < units; i++) {
                    String name = thread + "-" + i;
                    boolean count = i % 10 == 0;
                    WriteUnit<Integer> unit = (jdbc) -> {
                        int rows = jdbc.update("INSERT INTO items (name) VALUES (?)", name);
                        if (count) {
                            // Read, then write what was read: safe only because units never interleave.
                            Integer n = jdbc.queryForObject("SELECT n FROM counters WHERE id = ?", Integer.class, 1);
                            rows += jdbc.update("UPDATE counters SET n = ? WHERE id = ?", n + 1, 1);
                        }
                        return rows;
                    };
                    if (count) {
                        counted.incrementAndGet();
                    }
                    // Half the threads block on each call, half keep many units in flight.
                    if (thread % 2 == 0) {
                        assertThat(writer.execute(unit)).isEqualTo(count ? 2 : 1);
                    } else {
                        pending.add(writer.submit(unit));
                    }
                }
                pending.forEach(CompletableFuture::join);
                return null;
            }));
        }
        for (Future<?> caller : callers) {
            caller.get();
        }
        // A fresh connection, while the writer still runs: every returned call was committed.
        try (Connection fresh = DriverManager.getConnection(this.url)) {
            Set<String> names = new HashSet<>();
            try (ResultSet rows = fresh.createStatement().executeQuery("SELECT name FROM items")) {
                while (rows.next()) {
                    assertThat(names.add(rows.getString(1))).isTrue();
                }
            }
            Set<String> expected = new HashSet<>();
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < units; i++) {
                    expected.add(t + "-" + i);
                }
            }
            // Set equality, not AssertJ's contains(): that compares element by element.
            assertThat(names.equals(expected)).isTrue();
            assertThat(counter(fresh)).isEqualTo(counted.get());
        }
        GroupCommitStats stats = writer.stats();
        assertThat(stats.committedUnits()).isEqualTo(threads * units);
        assertThat(stats.failedUnits()).isZero();
        assertThat(stats.groups()).isLessThan(threads * units);
    }

    @Test
    void failingUnitIsRolledBackAloneAndItsCallerGetsItsOwnException() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('taken')"));
        Hold hold = Hold.writer(writer);
        long groupsBefore = writer.stats().groups();
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        CompletableFuture<Integer> before = writer.submit(insert("before"));
        CompletableFuture<Integer> failing = writer.submit((jdbc) -> {
            jdbc.update("INSERT INTO items (name) VALUES ('partial')");
            try {
                return jdbc.update("INSERT INTO items (name) VALUES ('taken')");
            } catch (RuntimeException ex) {
                thrown.set(ex);
                throw ex;
            }
        });
        CompletableFuture<Integer> after = writer.submit(insert("after"));
        hold.release();

        assertThat(before.get()).isEqualTo(1);
        assertThat(after.get()).isEqualTo(1);
        Throwable failure = catchThrowable(failing::get);
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOf(DataAccessException.class).isSameAs(thrown.get());
        // One transaction for the three: the failure did not split the group.
        assertThat(writer.stats().groups() - groupsBefore).isEqualTo(1);
        assertThat(names()).containsExactlyInAnyOrder("taken", "held", "before", "after");
        assertThat(writer.stats().failedUnits()).isEqualTo(1);
    }

    @Test
    void executeRethrowsTheUnitsOwnException() throws SQLException {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        IllegalStateException own = new IllegalStateException("refused by the unit");
        assertThatThrownBy(() -> writer.execute((jdbc) -> {
                    jdbc.update("INSERT INTO items (name) VALUES ('undone')");
                    throw own;
                }))
                .isSameAs(own);
        assertThat(names()).doesNotContain("undone");
    }

    @Test
    void commitFailureReachesEveryCallerOfTheGroupAndNoneIsDone() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        Hold hold = Hold.writer(writer);
        CompletableFuture<Integer> first = writer.submit(insert("first"));
        // A deferred foreign key is checked at COMMIT only: this unit succeeds, then sinks its group.
        CompletableFuture<Integer> orphan =
                writer.submit((jdbc) -> jdbc.update("INSERT INTO children (id, parent) VALUES (1, 99)"));
        CompletableFuture<Integer> last = writer.submit(insert("last"));
        hold.release();

        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Integer> future : List.of(first, orphan, last)) {
            Throwable failure = catchThrowable(future::get);
            assertThat(failure).isInstanceOf(ExecutionException.class);
            failures.add(failure.getCause());
        }
        assertThat(failures.get(0)).isInstanceOf(DataAccessException.class).hasMessageContaining("none committed");
        assertThat(failures).allSatisfy((failure) -> assertThat(failure).isSameAs(failures.get(0)));
        assertThat(resultCode(failures.get(0))).isEqualTo(SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY);
        assertThat(names()).containsExactly("held").doesNotContain("first", "last");
        try (Connection fresh = DriverManager.getConnection(this.url)) {
            assertThat(count(fresh, "children")).isZero();
        }
        // Rolled back cleanly: the writer goes on.
        assertThat(writer.execute(insert("next"))).isEqualTo(1);
        assertThat(names()).contains("next");
        assertThat(writer.stats().failedGroups()).isEqualTo(1);
    }

    @Test
    void futureCompletesOnlyAfterTheCommitThatMakesItsWorkVisible() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        Hold hold = Hold.writer(writer);
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Integer> early = writer.submit((jdbc) -> {
            int rows = jdbc.update("INSERT INTO items (name) VALUES ('early')");
            inserted.countDown();
            return rows;
        });
        CompletableFuture<Integer> slow = writer.submit((jdbc) -> {
            awaitRelease(finish);
            return jdbc.update("INSERT INTO items (name) VALUES ('slow')");
        });
        hold.release();
        assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();

        // 'early' has run and returned, but its group has not committed.
        Thread.sleep(100);
        assertThat(early).isNotDone();
        assertThat(names()).doesNotContain("early");
        finish.countDown();
        assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(names()).contains("early");
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void stopCompletesEveryAcceptedUnitAndThenRefusesNewOnes() throws Exception {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(this.url);
        pool.setMaximumPoolSize(1);
        pool.setConnectionTimeout(2_000);
        try (pool) {
            GroupCommitWriter writer = writer(pool, new GroupCommitProperties());
            List<CompletableFuture<Integer>> accepted = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                accepted.add(writer.submit(insert("before-stop-" + i)));
            }
            // Callers keep submitting while the writer stops: each unit is either refused or committed.
            AtomicBoolean stopped = new AtomicBoolean();
            List<Future<List<CompletableFuture<Integer>>>> racers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                racers.add(this.executor.submit(() -> {
                    List<CompletableFuture<Integer>> mine = new ArrayList<>();
                    for (int i = 0; !stopped.get() || i < 10; i++) {
                        try {
                            mine.add(writer.submit(insert("racer-" + thread + "-" + i)));
                        } catch (GroupCommitStoppedException ex) {
                            if (stopped.get()) {
                                break;
                            }
                        }
                    }
                    return mine;
                }));
            }
            writer.stop();
            stopped.set(true);
            for (Future<List<CompletableFuture<Integer>>> racer : racers) {
                accepted.addAll(racer.get());
            }

            assertThat(accepted).allSatisfy((future) -> assertThat(future).isCompletedWithValue(1));
            assertThat(names()).hasSize(accepted.size());
            assertThatThrownBy(() -> writer.submit(insert("late"))).isInstanceOf(GroupCommitStoppedException.class);
            assertThatThrownBy(() -> writer.execute(insert("late"))).isInstanceOf(GroupCommitStoppedException.class);
            assertThat(writer.isRunning()).isFalse();
            // The writer gave its connection back: the pool of one can lend it again.
            try (Connection connection = pool.getConnection()) {
                // ...as the writer found it.
                assertThat(connection.getAutoCommit()).isTrue();
                assertThat(connection
                                .unwrap(SQLiteConnection.class)
                                .getConnectionConfig()
                                .isGetGeneratedKeys())
                        .isTrue();
                connection.createStatement().executeUpdate("INSERT INTO items (name) VALUES ('pool')");
                // ...in auto-commit mode for real: another connection sees the row at once.
                assertThat(names()).contains("pool");
            }
        }
    }

    @Test
    void fullQueueMakesCallersWaitThenRefusesAndLosesNothing() throws Exception {
        GroupCommitProperties properties = new GroupCommitProperties();
        properties.setQueueCapacity(4);
        properties.setOfferTimeout(Duration.ofMillis(500));
        GroupCommitWriter writer = writer(properties);
        Hold hold = Hold.writer(writer);
        List<CompletableFuture<Integer>> accepted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accepted.add(writer.submit(insert("queued-" + i)));
        }

        long started = System.nanoTime();
        assertThatThrownBy(() -> writer.submit(insert("refused")))
                .isInstanceOf(GroupCommitQueueFullException.class)
                .hasMessageContaining("queue-capacity");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(450));

        // A caller that waits while space frees up gets in.
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<CompletableFuture<Integer>> waiting = this.executor.submit(() -> {
            waiter.set(Thread.currentThread());
            return writer.submit(insert("waited"));
        });
        await().atMost(Duration.ofSeconds(5))
                .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);
        hold.release();
        accepted.add(waiting.get(5, TimeUnit.SECONDS));

        for (CompletableFuture<Integer> future : accepted) {
            assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(names()).containsExactlyInAnyOrder("held", "queued-0", "queued-1", "queued-2", "queued-3", "waited");
        assertThat(writer.stats().rejectedUnits()).isEqualTo(1);
    }

    @Test
    void unitThatEndsTheTransactionItselfIsRefused() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        Throwable failure = catchThrowable(() -> writer.execute((jdbc) -> {
            jdbc.update("INSERT INTO items (name) VALUES ('committed too early?')");
            return jdbc.execute((ConnectionCallback<Object>) (connection) -> {
                connection.commit();
                return null;
            });
        }));
        assertThat(failure).isInstanceOf(DataAccessException.class).hasMessageContaining("commit");
        assertThat(names()).isEmpty();
        assertThat(writer.execute(insert("still fine"))).isEqualTo(1);
    }

    @Test
    void lockErrorInsideAUnitFailsThatUnitAloneWithTheLockError() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        Hold hold = Hold.writer(writer);
        CompletableFuture<Integer> good = writer.submit(insert("good"));
        // A unit that writes through another connection waits for the writer's own lock, then gets SQLITE_BUSY.
        CompletableFuture<Integer> elsewhere = writer.submit((jdbc) -> {
            try (Connection other = DriverManager.getConnection(this.url)) {
                other.createStatement().execute("PRAGMA busy_timeout=50");
                return other.createStatement().executeUpdate("INSERT INTO items (name) VALUES ('elsewhere')");
            } catch (SQLException ex) {
                throw new UncategorizedSQLException("elsewhere", null, ex);
            }
        });
        hold.release();

        assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        Throwable failure = catchThrowable(() -> elsewhere.get(10, TimeUnit.SECONDS));
        assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure.getCause()))
                .isEqualTo("SQLITE_BUSY");
        assertThat(names()).containsExactlyInAnyOrder("held", "good");
        assertThat(writer.stats().lockErrorUnits()).isEqualTo(1);
    }

    @Test
    void lockHeldByAnotherProcessFailsTheGroupWithALockErrorThatDbRetryTemplateRetries() throws Exception {
        GroupCommitWriter writer = writer(new GroupCommitProperties(), 100);
        try (Connection other = DriverManager.getConnection(this.url)) {
            other.createStatement().execute("BEGIN IMMEDIATE");
            CompletableFuture<Integer> first = writer.submit(insert("first"));
            CompletableFuture<Integer> second = writer.submit(insert("second"));
            for (CompletableFuture<Integer> future : List.of(first, second)) {
                Throwable failure = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
                assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure.getCause()))
                        .isEqualTo("SQLITE_BUSY");
            }
            assertThat(writer.stats().lockErrorUnits()).isEqualTo(2);

            DbRetryProperties retry = new DbRetryProperties();
            retry.setMaxAttempts(20);
            retry.setInitialDelay(Duration.ofMillis(20));
            retry.setMaxDelay(Duration.ofMillis(50));
            DbRetryTemplate template =
                    new DbRetryTemplate(new SqliteLockErrorClassifier(), DbRetrySettings.from(retry), List.of());
            Future<Integer> retried =
                    this.executor.submit(() -> template.execute("insert", () -> writer.execute(insert("retried"))));
            Thread.sleep(300);
            other.createStatement().execute("COMMIT");
            assertThat(retried.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(names()).containsExactly("retried");
    }

    @Test
    void executeFromInsideAUnitIsRefusedRatherThanWaitingForItself() {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        assertThatThrownBy(() -> writer.execute((jdbc) -> writer.execute(insert("nested"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wait for itself");
    }

    @Test
    void repeatedSqlReusesOnePreparedStatementAndNestedUseGetsItsOwn() {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        String sql = "SELECT ? IS NULL";
        PreparedStatement first =
                writer.execute((jdbc) -> jdbc.execute((ConnectionCallback<PreparedStatement>) (connection) -> {
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        statement.setString(1, "set by the first unit");
                        statement.executeQuery().close();
                        return statement;
                    }
                }));
        List<Object> second = writer.execute((jdbc) -> jdbc.execute((ConnectionCallback<List<Object>>) (connection) -> {
            try (PreparedStatement statement = connection.prepareStatement(sql);
                    PreparedStatement nested = connection.prepareStatement(sql)) {
                // No parameter set: it must read as NULL, not as the first unit's value.
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return List.of(statement, nested, rows.getBoolean(1));
                }
            }
        }));
        assertThat(second.get(0)).isSameAs(first);
        assertThat(second.get(1)).isNotSameAs(first);
        assertThat(second.get(2)).isEqualTo(true);
    }

    @Test
    void unitThatAsksForGeneratedKeysGetsThem() {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        writer.execute(insert("first"));
        KeyHolder keys = new GeneratedKeyHolder();
        writer.execute((jdbc) -> jdbc.update(
                (connection) -> {
                    PreparedStatement statement = connection.prepareStatement(
                            "INSERT INTO items (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
                    statement.setString(1, "second");
                    return statement;
                },
                keys));
        assertThat(keys.getKey()).isNotNull().extracting(Number::longValue).isEqualTo(2L);
        // Off again for the units that do not ask: sqlite-jdbc's key lookup costs every INSERT a query.
        boolean keysOn = writer.execute((jdbc) -> jdbc.execute((ConnectionCallback<Boolean>) (connection) ->
                connection.unwrap(SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys()));
        assertThat(keysOn).isFalse();
    }

    @Test
    void queryInsideTheRowCallbackOfTheSameQueryWorks() {
        GroupCommitWriter writer = writer(new GroupCommitProperties());
        for (int i = 0; i < 3; i++) {
            writer.execute(insert("row-" + i));
        }
        String sql = "SELECT name FROM items WHERE name >= ? ORDER BY name";
        List<String> pairs = writer.execute((jdbc) -> jdbc.query(
                sql,
                (rs, rowNum) -> rs.getString(1) + "/"
                        + jdbc.queryForList(sql, String.class, rs.getString(1)).size(),
                "row-"));
        assertThat(pairs).containsExactly("row-0/3", "row-1/2", "row-2/1");
    }

    @Test
    void nonSqliteDataSourceIsRefusedWithAClearMessage() throws SQLException {
        DatabaseMetaData metaData = stub(DatabaseMetaData.class, "getDatabaseProductName", "H2");
        Connection connection = stub(Connection.class, "getMetaData", metaData);
        DataSource other = stub(DataSource.class, "getConnection", connection);
        GroupCommitWriter writer = writer(other, new GroupCommitProperties());
        assertThatThrownBy(() -> writer.execute(insert("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a SQLite DataSource")
                .hasMessageContaining("H2")
                .hasMessageContaining("sqlite.hybrid.writer.group-commit.enabled=false");
    }

    private GroupCommitWriter writer(GroupCommitProperties properties) {
        return writer(properties, 5_000);
    }

    private GroupCommitWriter writer(GroupCommitProperties properties, int busyTimeoutMillis) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(busyTimeoutMillis);
        config.enforceForeignKeys(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(this.url);
        return writer(dataSource, properties);
    }

    private GroupCommitWriter writer(DataSource dataSource, GroupCommitProperties properties) {
        GroupCommitWriter writer =
                new GroupCommitWriter(dataSource, properties, new SqliteLockErrorClassifier(), List.of());
        this.writers.add(writer);
        return writer;
    }

    /** A stand-in answering one method, with defaults (false, null) for the rest. */
    private static <T> T stub(Class<T> type, String method, Object answer) {
        return type.cast(Proxy.newProxyInstance(
                GroupCommitWriterTests.class.getClassLoader(), new Class<?>[] {type}, (proxy, called, args) -> {
                    if (called.getName().equals(method)) {
                        return answer;
                    }
                    return (called.getReturnType() == boolean.class) ? false : null;
                }));
    }

    private static WriteUnit<Integer> insert(String name) {
        return (jdbc) -> jdbc.update("INSERT INTO items (name) VALUES (?)", name);
    }

    private List<String> names() throws SQLException {
        try (Connection fresh = DriverManager.getConnection(this.url);
                ResultSet rows = fresh.createStatement().executeQuery("SELECT name FROM items")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    private static int counter(Connection connection) throws SQLException {
        try (ResultSet rows = connection.createStatement().executeQuery("SELECT n FROM counters WHERE id = 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static int count(Connection connection, String table) throws SQLException {
        try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static SQLiteErrorCode resultCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                return sqlite.getResultCode();
            }
        }
        throw new AssertionError("No SQLiteException in " + failure);
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Latch not released");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Keeps the writer busy in a unit of its own (which inserts 'held'), so that units submitted meanwhile
     * queue up and run together in the next group.
     */
    private static final class Hold {

        private final CountDownLatch running = new CountDownLatch(1);

        private final CountDownLatch release = new CountDownLatch(1);

        private CompletableFuture<Integer> future;

        static Hold writer(GroupCommitWriter writer) throws InterruptedException {
            Hold hold = new Hold();
            hold.future = writer.submit((jdbc) -> {
                hold.running.countDown();
                awaitRelease(hold.release);
                return jdbc.update("INSERT INTO items (name) VALUES ('held')");
            });
            assertThat(hold.running.await(10, TimeUnit.SECONDS)).isTrue();
            return hold;
        }

        void release() throws Exception {
            this.release.countDown();
            assertThat(this.future.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }
}
