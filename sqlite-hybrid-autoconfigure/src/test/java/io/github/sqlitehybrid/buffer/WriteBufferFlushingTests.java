package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryStats;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** When and in what order rows are flushed, and what happens when the database is locked. */
@Timeout(60)
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class WriteBufferFlushingTests {

    @Parameter
    TestDatabase.Kind kind;

    private static final DbRetrySettings TWO_QUICK_ATTEMPTS =
            new DbRetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(10), 1.0, false);

    @TempDir
    Path dir;

    private TestDatabase database;

    private WriteBuffer buffer;

    @BeforeEach
    void createDatabase() {
        // A short busy (lock) timeout, so another connection's write lock fails a flush instead of delaying it.
        this.database = TestDatabase.create(this.kind, this.dir, "flushing", 10);
        this.database.execute(
                "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)",
                "CREATE TABLE audit (n "
                        + this.database.pick("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
                        + ", tbl TEXT NOT NULL, id INTEGER)");
        if (!this.database.isSqlite()) {
            this.database.execute("CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO audit (tbl, id) VALUES (TG_TABLE_NAME, NEW.id); RETURN NULL; END $$");
        }
        for (String table : List.of("a", "b", "c")) {
            this.database.execute(
                    "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v INTEGER)",
                    this.database.pick(
                            "CREATE TRIGGER " + table + "_audit AFTER INSERT ON " + table
                                    + " BEGIN INSERT INTO audit (tbl, id) VALUES ('" + table + "', new.id); END",
                            "CREATE TRIGGER " + table + "_audit AFTER INSERT ON " + table
                                    + " FOR EACH ROW EXECUTE FUNCTION audit()"));
        }
    }

    @AfterEach
    void closeDatabase() {
        if (this.buffer != null) {
            this.buffer.stop();
        }
        if (this.database != null) {
            this.database.close();
        }
    }

    @Test
    void flushesOnTheInterval() {
        this.buffer = this.database.buffer((properties) -> properties.setFlushInterval(Duration.ofMillis(100)));
        this.buffer.start();
        for (int id = 0; id < 3; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", 10), "job_id");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> this.database.count("progress") == 3);
        assertThat(this.buffer.stats().flushes()).isPositive();
        assertThat(this.buffer.stats().lastFlushTime()).isNotNull();
        assertThat(this.buffer.stats().lastFlushDuration()).isNotNull();
    }

    @Test
    void flushesEarlyWhenTheBatchSizeIsPending() throws InterruptedException {
        this.buffer = this.database.buffer((properties) -> {
            properties.setFlushInterval(Duration.ofHours(1));
            properties.setFlushBatchSize(10);
        });
        this.buffer.start();
        for (int id = 0; id < 10; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", 10), "job_id");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> this.database.count("progress") == 10);
        for (int id = 10; id < 15; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", 10), "job_id");
        }
        Thread.sleep(300);
        assertThat(this.database.count("progress")).isEqualTo(10);
        assertThat(this.buffer.stats().pending()).isEqualTo(5);
    }

    @Test
    void flushesTablesInPriorityOrderThenInArrivalOrder() {
        this.buffer = this.database.buffer((properties) -> {
            properties.setFlushBatchSize(4);
            properties.setTablePriorities(Map.of("c", 1, "A", 2));
        });
        for (int id = 0; id < 6; id++) {
            for (String table : List.of("a", "b", "c")) {
                this.buffer.insert(table, row("id", id, "v", id));
            }
        }
        assertThat(this.buffer.flush()).isEqualTo(18);
        List<String> order = this.database.jdbc.queryForList("SELECT tbl FROM audit ORDER BY n", String.class);
        assertThat(order)
                .containsExactlyElementsOf(
                        concat(Collections.nCopies(6, "c"), Collections.nCopies(6, "a"), Collections.nCopies(6, "b")));
        assertThat(this.database.jdbc.queryForList("SELECT id FROM audit WHERE tbl = 'a' ORDER BY n", Integer.class))
                .containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void lockErrorsDuringAFlushAreRetriedAndNothingIsLost() throws Exception {
        this.buffer = this.database.buffer();
        for (int id = 0; id < 50; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", id), "job_id");
        }
        CompletableFuture<Void> holder = this.database.holdWriteLock("progress", Duration.ofMillis(300));
        assertThat(this.buffer.flush()).isEqualTo(50);
        holder.get(5, TimeUnit.SECONDS);
        assertThat(this.database.count("progress")).isEqualTo(50);
        DbRetryStats flushes = this.database.lockStatistics.operations().get(WriteBuffer.RETRY_OPERATION);
        assertThat(flushes.lockErrors()).isPositive();
        assertThat(flushes.recoveries()).isEqualTo(1);
        assertThat(this.buffer.stats().failed()).isZero();
    }

    @Test
    void flushThatCannotGetTheLockKeepsItsRowsPending() throws Exception {
        this.buffer = this.database.buffer((properties) -> {}, TWO_QUICK_ATTEMPTS);
        for (int id = 0; id < 20; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", id), "job_id");
        }
        CompletableFuture<Void> holder = this.database.holdWriteLock("progress", Duration.ofMillis(500));
        assertThatExceptionOfType(WriteBufferFlushException.class)
                .isThrownBy(this.buffer::flush)
                .satisfies((ex) -> {
                    assertThat(ex.getRowsWritten()).isZero();
                    assertThat(ex.getRowsPending()).isEqualTo(20);
                    assertThat(ex).hasMessageContaining("stay pending");
                });
        WriteBufferStats stats = this.buffer.stats();
        assertThat(stats.pending()).isEqualTo(20);
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(stats.lastFlushError()).contains(this.database.pick("SQLITE_BUSY", "lock timeout"));
        holder.get(5, TimeUnit.SECONDS);
        assertThat(this.buffer.flush()).isEqualTo(20);
        assertThat(this.database.count("progress")).isEqualTo(20);
        assertThat(this.buffer.stats().lastFlushError()).isNull();
    }

    @Test
    void scheduledFlushKeepsRunningAfterAFailure() throws Exception {
        this.buffer = this.database.buffer(
                (properties) -> properties.setFlushInterval(Duration.ofMillis(50)), TWO_QUICK_ATTEMPTS);
        CompletableFuture<Void> holder = this.database.holdWriteLock("progress", Duration.ofMillis(600));
        this.buffer.start();
        for (int id = 0; id < 10; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", id), "job_id");
        }
        holder.get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> this.database.count("progress") == 10);
        assertThat(this.buffer.stats().failed()).isPositive();
    }

    @Test
    void rowWrittenTwiceInOneBatchStillFlushesWhereTheDriverRewritesBatchesIntoOneStatement() {
        assumeTrue(this.kind == TestDatabase.Kind.POSTGRESQL, "pgjdbc's reWriteBatchedInserts");
        this.database.execute("CREATE TABLE tagged (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, v INTEGER)");
        try (HikariDataSource rewriting = new HikariDataSource()) {
            rewriting.setJdbcUrl(this.database.url);
            rewriting.setUsername(LocalPostgres.USER);
            rewriting.setPassword("");
            rewriting.addDataSourceProperty("reWriteBatchedInserts", "true");
            WriteBuffer rewritten = new WriteBuffer(
                    rewriting, new WriteBufferProperties(), this.database.retryTemplate(TestDatabase.QUICK_RETRIES));
            rewritten.upsert("tagged", row("id", 1, "code", "c1", "v", 1), "id");
            // A call by the other key ends the run of coalescing and writes nothing: the two upserts of row 1
            // are next to each other in the batch, one statement text. In one multi-row INSERT PostgreSQL
            // refuses them ("ON CONFLICT DO UPDATE command cannot affect row a second time").
            rewritten.update("tagged", row("code", "c1"), "code");
            rewritten.upsert("tagged", row("id", 1, "code", "c1", "v", 2), "id");
            rewritten.upsert("tagged", row("id", 2, "code", "c2", "v", 3), "id");
            assertThat(rewritten.stats().pending()).isEqualTo(4);
            assertThat(rewritten.flush()).isEqualTo(4);
            assertThat(this.database.rows("SELECT id, v FROM tagged ORDER BY id"))
                    .containsExactly(row("id", 1, "v", 2), row("id", 2, "v", 3));
            assertThat(rewritten.stats().deadLetters()).isZero();
        }
    }

    @Test
    void flushLeavesTheConnectionInTheAutoCommitModeItFoundItIn() throws Exception {
        this.database.execute("CREATE TABLE checked (id INTEGER PRIMARY KEY, v INTEGER CHECK (v >= 0))");
        for (boolean autoCommit : this.database.isSqlite() ? new boolean[] {true} : new boolean[] {true, false}) {
            try (Connection connection = this.database.connect()) {
                connection.setAutoCommit(autoCommit);
                WriteBuffer single = new WriteBuffer(
                        new SingleConnectionDataSource(connection, true),
                        new WriteBufferProperties(),
                        this.database.retryTemplate(TestDatabase.QUICK_RETRIES));
                int base = autoCommit ? 0 : 10;
                single.upsert("checked", row("id", base + 1, "v", 1), "id");
                single.upsert("checked", row("id", base + 2, "v", -1), "id");
                single.upsert("checked", row("id", base + 3, "v", 3), "id");
                assertThat(single.flush()).isEqualTo(2);
                assertThat(connection.getAutoCommit()).isEqualTo(autoCommit);
                // Committed: another connection sees the rows.
                assertThat(this.database.count("checked WHERE id > " + base + " AND id <= " + (base + 3)))
                        .isEqualTo(2);
            }
        }
    }

    @Test
    void stopFlushesWhatIsPendingAndRefusesLaterWrites() {
        long flushThreadsBefore = flushThreads();
        this.buffer = this.database.buffer();
        this.buffer.start();
        assertThat(this.buffer.isRunning()).isTrue();
        assertThat(flushThreads()).isEqualTo(flushThreadsBefore + 1);
        for (int id = 0; id < 25; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", id), "job_id");
        }
        this.buffer.stop();
        assertThat(this.buffer.isRunning()).isFalse();
        assertThat(this.database.count("progress")).isEqualTo(25);
        assertThatIllegalStateException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 99, "percent", 1), "job_id"))
                .withMessageContaining("stopped");
        await().atMost(Duration.ofSeconds(5)).until(() -> flushThreads() == flushThreadsBefore);
    }

    private static long flushThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter((thread) -> thread.getName().equals(WriteBuffer.THREAD_NAME) && thread.isAlive())
                .count();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
