package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A full buffer fails the call that does not fit, and never loses a row it accepted. */
@Timeout(60)
class WriteBufferOverflowTests {

    @TempDir
    Path dir;

    private TestDatabase database;

    @BeforeEach
    void createDatabase() {
        this.database = new TestDatabase(this.dir.resolve("overflow.db"));
        this.database.execute(
                "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)",
                "CREATE TABLE events (id INTEGER PRIMARY KEY, worker INTEGER, n INTEGER)");
    }

    @AfterEach
    void closeDatabase() {
        this.database.close();
    }

    @Test
    void blockWaitsForTheOfferTimeoutThenThrows() {
        // Not started: nothing flushes in the background, so no room is ever made.
        WriteBuffer buffer = this.database.buffer((properties) -> {
            properties.setMaxPending(10);
            properties.setOverflow(OverflowPolicy.BLOCK);
            properties.setOfferTimeout(Duration.ofMillis(300));
        });
        fill(buffer, 10);
        long start = System.nanoTime();
        assertThatExceptionOfType(WriteBufferFullException.class)
                .isThrownBy(() -> buffer.upsert("progress", row("job_id", 10, "percent", 0), "job_id"))
                .withMessageContaining("'progress'")
                .withMessageContaining("300ms")
                .satisfies((ex) -> assertThat(ex.getTable()).isEqualTo("progress"));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(280), Duration.ofSeconds(5));
        assertThat(buffer.flush()).isEqualTo(10);
        assertThat(this.database.count("progress")).isEqualTo(10);
    }

    @Test
    void rejectThrowsAtOnce() {
        WriteBuffer buffer = this.database.buffer((properties) -> {
            properties.setMaxPending(10);
            properties.setOverflow(OverflowPolicy.REJECT);
            properties.setOfferTimeout(Duration.ofSeconds(10));
        });
        fill(buffer, 10);
        long start = System.nanoTime();
        assertThatExceptionOfType(WriteBufferFullException.class)
                .isThrownBy(() -> buffer.insert("events", row("worker", 1, "n", 1)))
                .withMessageContaining("'events'");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(buffer.stats().pending()).isEqualTo(10);
        assertThat(buffer.flush()).isEqualTo(10);
        assertThat(this.database.count("progress")).isEqualTo(10);
        assertThat(this.database.count("events")).isZero();
    }

    @Test
    void writeToARowAlreadyPendingIsAcceptedWhenFull() {
        WriteBuffer buffer = this.database.buffer((properties) -> {
            properties.setMaxPending(10);
            properties.setOverflow(OverflowPolicy.REJECT);
        });
        fill(buffer, 10);
        buffer.upsert("progress", row("job_id", 3, "percent", 99), "job_id");
        assertThat(buffer.stats().coalesced()).isEqualTo(1);
        buffer.flush();
        assertThat(this.database.jdbc.queryForObject("SELECT percent FROM progress WHERE job_id = 3", Integer.class))
                .isEqualTo(99);
    }

    @Test
    void blockedCallerProceedsWhenAFlushMakesRoom() throws Exception {
        WriteBuffer buffer = this.database.buffer((properties) -> {
            properties.setMaxPending(10);
            properties.setOverflow(OverflowPolicy.BLOCK);
            properties.setOfferTimeout(Duration.ofSeconds(20));
        });
        fill(buffer, 10);
        CompletableFuture<Void> blocked =
                CompletableFuture.runAsync(() -> buffer.upsert("progress", row("job_id", 10, "percent", 0), "job_id"));
        Thread.sleep(200);
        assertThat(blocked).isNotDone();
        assertThat(buffer.flush()).isEqualTo(10);
        blocked.get(10, TimeUnit.SECONDS);
        assertThat(buffer.flush()).isEqualTo(1);
        assertThat(this.database.count("progress")).isEqualTo(11);
    }

    @Test
    void fullBufferNeverDropsAnAcceptedRow() throws Exception {
        for (OverflowPolicy policy : OverflowPolicy.values()) {
            this.database.execute("DELETE FROM events");
            WriteBuffer buffer = this.database.buffer((properties) -> {
                properties.setMaxPending(20);
                properties.setFlushBatchSize(5);
                properties.setFlushInterval(Duration.ofMillis(20));
                properties.setOverflow(policy);
                properties.setOfferTimeout(Duration.ofMillis(1));
            });
            buffer.start();
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int worker = 0; worker < 8; worker++) {
                    int id = worker;
                    done.add(workers.submit(() -> {
                        for (int n = 0; n < 500; n++) {
                            try {
                                buffer.insert("events", row("worker", id, "n", n));
                                accepted.incrementAndGet();
                            } catch (WriteBufferFullException ex) {
                                refused.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Future<?> future : done) {
                    future.get(30, TimeUnit.SECONDS);
                }
            } finally {
                workers.shutdownNow();
                buffer.stop();
            }
            assertThat(accepted.get() + refused.get()).isEqualTo(4000);
            assertThat(this.database.count("events")).as(policy.name()).isEqualTo(accepted.get());
            assertThat(buffer.stats().flushed()).isEqualTo(accepted.get());
        }
    }

    private static void fill(WriteBuffer buffer, int rows) {
        for (int i = 0; i < rows; i++) {
            buffer.upsert("progress", row("job_id", i, "percent", 0), "job_id");
        }
        assertThat(buffer.stats().pending()).isEqualTo(rows);
    }
}
