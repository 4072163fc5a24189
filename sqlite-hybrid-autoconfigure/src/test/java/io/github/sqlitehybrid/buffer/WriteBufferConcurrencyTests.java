package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Many threads writing at once: every row ends with its last value, every insert lands once. */
@Timeout(120)
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class WriteBufferConcurrencyTests {

    @Parameter
    TestDatabase.Kind kind;

    private static final int THREADS = 16;

    private static final int CALLS_PER_THREAD = 5_000;

    private static final int KEYS = 500;

    @TempDir
    Path dir;

    private TestDatabase database;

    private WriteBuffer buffer;

    @BeforeEach
    void createDatabase() {
        this.database = TestDatabase.create(this.kind, this.dir, "concurrent");
        this.database.execute(
                "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, worker INTEGER, seq INTEGER, percent INTEGER)",
                "CREATE TABLE events (id " + this.database.generatedKey()
                        + ", worker INTEGER NOT NULL, n INTEGER NOT NULL, UNIQUE (worker, n))");
        this.buffer = this.database.buffer((properties) -> {
            properties.setFlushInterval(Duration.ofMillis(50));
            properties.setOfferTimeout(Duration.ofSeconds(30));
        });
        this.buffer.start();
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
    void everyKeyHoldsItsLastValueAndEveryInsertLandsOnceUnderSixteenThreads() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<Future<Worker>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                Worker worker = new Worker(t, this.buffer);
                results.add(workers.submit(worker::call));
            }
            for (Future<Worker> result : results) {
                result.get(90, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        this.buffer.flush();

        Map<Integer, Long> expected = new HashMap<>();
        long inserts = 0;
        for (Future<Worker> result : results) {
            Worker worker = result.get();
            expected.putAll(worker.lastSeq);
            inserts += worker.inserts;
        }
        Map<Integer, Long> actual = new HashMap<>();
        this.database
                .rows("SELECT job_id, seq FROM progress")
                .forEach((row) ->
                        actual.put(((Number) row.get("job_id")).intValue(), ((Number) row.get("seq")).longValue()));
        assertThat(actual).isEqualTo(expected);
        assertThat(this.database.count("events")).isEqualTo(inserts);
        assertThat(this.database.jdbc.queryForObject(
                        "SELECT count(*) FROM (SELECT DISTINCT worker, n FROM events) AS distinct_events", Long.class))
                .isEqualTo(inserts);

        WriteBufferStats stats = this.buffer.stats();
        assertThat(stats.pending()).isZero();
        assertThat(stats.buffered()).isEqualTo((long) THREADS * CALLS_PER_THREAD);
        assertThat(stats.coalesced()).isPositive();
        assertThat(stats.flushed()).isEqualTo(stats.buffered() - stats.coalesced());
        assertThat(stats.deadLetters()).isZero();
    }

    /** Owns the keys {@code k % THREADS == id}, so the last value of each is known: its own last call. */
    private static final class Worker {

        private final int id;

        private final WriteBuffer buffer;

        private final Map<Integer, Long> lastSeq = new HashMap<>();

        private long inserts;

        Worker(int id, WriteBuffer buffer) {
            this.id = id;
            this.buffer = buffer;
        }

        Worker call() {
            SplittableRandom random = new SplittableRandom(this.id);
            int ownKeys = (KEYS - this.id + THREADS - 1) / THREADS;
            for (int n = 0; n < CALLS_PER_THREAD; n++) {
                if (n % 10 == 9) {
                    this.buffer.insert("events", row("worker", this.id, "n", n));
                    this.inserts++;
                    continue;
                }
                int key = this.id + THREADS * random.nextInt(ownKeys);
                long seq = n;
                this.buffer.upsert(
                        "progress", row("job_id", key, "worker", this.id, "seq", seq, "percent", n % 101), "job_id");
                this.lastSeq.put(key, seq);
            }
            return this;
        }
    }
}
