package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WriteTurnTests {

    private final WriteTurn turn = new WriteTurn("/data/app.db", Duration.ofSeconds(10));

    @Test
    void handsTheTurnOnInArrivalOrder() throws Exception {
        WriteTurn.Holder first = this.turn.acquire("first", Duration.ofSeconds(5));
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int id = i;
            Thread waiter = new Thread(() -> {
                try {
                    WriteTurn.Holder holder = this.turn.acquire("waiter-" + id, Duration.ofSeconds(30));
                    order.add(id);
                    this.turn.release(holder);
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            waiter.start();
            waiters.add(waiter);
            // Each waiter is queued before the next one starts.
            int queued = i + 1;
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> this.turn.stats().waiting() == queued);
        }
        this.turn.release(first);
        for (Thread waiter : waiters) {
            waiter.join(10_000);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(this.turn.stats().acquisitions()).isEqualTo(9);
        assertThat(this.turn.holder()).isNull();
    }

    @Test
    void givesEveryThreadTheTurnAloneAndNeverStallsUnderRaces() throws Exception {
        int threads = 16;
        int turnsEach = 3000;
        int[] counter = new int[1];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    for (int i = 0; i < turnsEach; i++) {
                        // A short wait for the turn would have run out only through a lost wake-up.
                        WriteTurn.Holder holder = this.turn.acquire("stress", Duration.ofSeconds(10));
                        try {
                            // Not atomic on purpose: only one holder at a time keeps the count right.
                            counter[0] = counter[0] + 1;
                            if (random.nextInt(8) == 0) {
                                Thread.onSpinWait();
                            }
                        } finally {
                            this.turn.release(holder);
                        }
                        // Mostly straight back (the case the grace is for), sometimes after a pause.
                        int pause = random.nextInt(10);
                        if (pause == 0) {
                            Thread.sleep(0, 50_000);
                        } else if (pause == 1) {
                            Thread.yield();
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> result : results) {
                result.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter[0]).isEqualTo(threads * turnsEach);
        assertThat(this.turn.stats().timeouts()).isZero();
        assertThat(this.turn.holder()).isNull();
    }

    /** As SQLite's busy wait: Quartz interrupts its scheduler thread at shutdown while it may wait for the turn. */
    @Test
    void anInterruptedWaiterStillGetsTheTurnWhenItIsFreeAndKeepsItsInterrupt() throws Exception {
        for (int round = 0; round < 20; round++) {
            WriteTurn.Holder first = this.turn.acquire("holder", Duration.ofSeconds(5));
            List<Object> outcome = new CopyOnWriteArrayList<>();
            Thread waiter = new Thread(() -> {
                try {
                    WriteTurn.Holder held = this.turn.acquire("interrupted", Duration.ofSeconds(30));
                    outcome.add(Thread.currentThread().isInterrupted());
                    this.turn.release(held);
                } catch (Exception ex) {
                    outcome.add(ex);
                }
            });
            waiter.start();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> this.turn.stats().waiting() == 1);
            waiter.interrupt();
            Thread.sleep(5);
            assertThat(outcome).as("still waiting after the interrupt").isEmpty();
            this.turn.release(first);
            waiter.join(10_000);
            assertThat(outcome).as("round %d", round).containsExactly(true);
        }
        assertThat(this.turn.stats().timeouts()).isZero();
    }

    @Test
    void aWaitThatRunsOutNamesTheHolderAndLeavesTheQueue() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(
                () -> {
                    try {
                        WriteTurn.Holder h = this.turn.acquire("OrderService.place", Duration.ofSeconds(5));
                        held.countDown();
                        release.await();
                        this.turn.release(h);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                },
                "order-writer");
        holder.start();
        held.await();
        assertThatThrownBy(() -> this.turn.acquire("JobRepository.claim", Duration.ofMillis(100)))
                .isInstanceOf(WriteTurnTimeoutException.class)
                .hasMessageContaining("JobRepository.claim waited 100 ms")
                .hasMessageContaining("thread 'order-writer' in OrderService.place");
        assertThat(this.turn.stats().waiting()).isZero();
        assertThat(this.turn.stats().timeouts()).isEqualTo(1);
        release.countDown();
        holder.join(10_000);
        // The queue is clean: the turn can be had at once.
        this.turn.release(this.turn.acquire("next", Duration.ofMillis(100)));
    }

    @Test
    void refusesAtOnceWhenTheThreadAlreadyHoldsTheTurn() throws Exception {
        WriteTurn.Holder holder = this.turn.acquire("outer", Duration.ofSeconds(5));
        long started = System.nanoTime();
        assertThatThrownBy(() -> this.turn.acquire("inner", Duration.ofSeconds(30)))
                .isInstanceOf(WriteTurnTimeoutException.class)
                .hasMessageContaining("second connection");
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        this.turn.release(holder);
    }

    @Test
    void refusesAReleaseByAnotherHolder() throws Exception {
        WriteTurn.Holder holder = this.turn.acquire("a", Duration.ofSeconds(5));
        this.turn.release(holder);
        assertThatThrownBy(() -> this.turn.release(holder)).isInstanceOf(IllegalStateException.class);
    }
}
