package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters of each single-writer DataSource's {@link WriteTurn}, tagged {@code database} (the file
 * path). Counters and gauges read the turn's {@link WriterStats}; waits and holds are timers, recorded as they
 * happen, so that Boot's {@code management.metrics.distribution.percentiles-histogram.sqlite.hybrid.writer=true}
 * gives them histograms:
 *
 * <ul>
 *   <li>{@value #QUEUE} (gauge): threads waiting for the turn now.
 *   <li>{@value #ACQUISITIONS} (counter): times the turn was taken.
 *   <li>{@value #TIMEOUTS} (counter): waits that ran out.
 *   <li>{@value #LONG_TRANSACTIONS} (counter): holds longer than
 *       {@code sqlite.hybrid.writer.long-transaction-threshold}.
 *   <li>{@value #LONG_READS} (counter): read-only transactions that kept their snapshot longer than
 *       {@code sqlite.hybrid.writer.long-read-threshold}.
 *   <li>{@value #TURN_WAIT} (timer): each wait for the turn.
 *   <li>{@value #TURN_HOLD} (timer): each time the turn was held, from taking it to giving it back.
 *   <li>{@value #LOCK_WAIT} (timer): each time a holder of the turn took to get SQLite's own write lock
 *       ({@code BEGIN IMMEDIATE}); beyond a statement's cost, that is waiting in SQLite's busy handler for
 *       another process.
 *   <li>{@value #LOCK_FAILURES} (counter): {@code BEGIN IMMEDIATE}s that failed, such as another process
 *       holding the lock past {@code busy_timeout}.
 *   <li>{@value #COALESCING_TRANSACTIONS} (distribution summary): with commit coalescing
 *       ({@code sqlite.hybrid.writer.coalescing}), the write transactions each COMMIT included; its count is
 *       the number of COMMITs.
 *   <li>{@value #COALESCING_COMMIT_WAIT} (timer): each time a write transaction's commit waited, from its end to
 *       the COMMIT that included it.
 * </ul>
 *
 * <p>Deprecated since 0.1.0 and still registered until their removal: {@code sqlite.hybrid.writer.wait} and
 * {@code sqlite.hybrid.writer.hold} (gauges of the mean and longest since start, tag {@code statistic}), and
 * {@code sqlite.hybrid.writer.lock.wait.max}; the timers above replace them. Boot's
 * {@code management.metrics.enable.<name>=false} turns each off.
 *
 * @since 0.1.0
 */
public final class WriteTurnMetrics implements MeterBinder {

    /** Gauge of threads waiting for the turn. */
    public static final String QUEUE = "sqlite.hybrid.writer.queue";

    /** Counter of times the turn was taken. */
    public static final String ACQUISITIONS = "sqlite.hybrid.writer.acquisitions";

    /** Counter of waits that ran out. */
    public static final String TIMEOUTS = "sqlite.hybrid.writer.timeouts";

    /** Counter of holds longer than the long-transaction threshold. */
    public static final String LONG_TRANSACTIONS = "sqlite.hybrid.writer.long.transactions";

    /** Counter of read-only transactions that kept their snapshot past the long-read threshold. */
    public static final String LONG_READS = "sqlite.hybrid.writer.long.reads";

    /** Timer of waits for the turn. */
    public static final String TURN_WAIT = "sqlite.hybrid.writer.turn.wait";

    /** Timer of holds of the turn. */
    public static final String TURN_HOLD = "sqlite.hybrid.writer.turn.hold";

    /** Timer of {@code BEGIN IMMEDIATE}s run while holding the turn. */
    public static final String LOCK_WAIT = "sqlite.hybrid.writer.lock.wait";

    /** Counter of {@code BEGIN IMMEDIATE}s that failed. */
    public static final String LOCK_FAILURES = "sqlite.hybrid.writer.lock.failures";

    /** Distribution summary of the transactions each coalesced COMMIT included. */
    public static final String COALESCING_TRANSACTIONS = "sqlite.hybrid.writer.coalescing.transactions";

    /** Timer of write transactions' waits for the COMMIT that included them. */
    public static final String COALESCING_COMMIT_WAIT = "sqlite.hybrid.writer.coalescing.commit.wait";

    private final ObjectProvider<DataSource> dataSources;

    /**
     * Create the binder.
     * @param dataSources the application's DataSources; those with a single writer get meters
     */
    public WriteTurnMetrics(ObjectProvider<DataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.dataSources.orderedStream().forEach((dataSource) -> {
            if (dataSource instanceof SqliteSingleWriterDataSource writer) {
                bind(registry, writer.getWriteTurn());
            }
        });
    }

    private static void bind(MeterRegistry registry, WriteTurn turn) {
        Tags tags = Tags.of("database", turn.database());
        Gauge.builder(QUEUE, turn, (t) -> t.stats().waiting())
                .description("Threads waiting for the SQLite write turn")
                .tags(tags)
                .register(registry);
        counter(registry, turn, tags, ACQUISITIONS, WriterStats::acquisitions, "Times the SQLite write turn was taken");
        counter(registry, turn, tags, TIMEOUTS, WriterStats::timeouts, "Waits for the SQLite write turn that ran out");
        counter(
                registry,
                turn,
                tags,
                LONG_TRANSACTIONS,
                WriterStats::longTransactions,
                "Write transactions that held the write turn longer than the threshold");
        counter(
                registry,
                turn,
                tags,
                LONG_READS,
                WriterStats::longReadTransactions,
                "Read-only transactions that kept their snapshot longer than the threshold");
        counter(
                registry,
                turn,
                tags,
                LOCK_FAILURES,
                WriterStats::lockFailures,
                "BEGIN IMMEDIATEs that failed, such as another process holding the lock past busy_timeout");
        turn.addListener(new Timers(registry, tags));
        bindDeprecated(registry, turn, tags);
    }

    private static void counter(
            MeterRegistry registry,
            WriteTurn turn,
            Tags tags,
            String name,
            ToDoubleFunction<WriterStats> figure,
            String description) {
        FunctionCounter.builder(name, turn, (t) -> figure.applyAsDouble(t.stats()))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    /** The gauges of means and maxima since start that the timers replace, kept until their removal. */
    private static void bindDeprecated(MeterRegistry registry, WriteTurn turn, Tags tags) {
        gauge(registry, turn, tags.and("statistic", "mean"), "sqlite.hybrid.writer.wait", WriterStats::avgWaitMs);
        gauge(registry, turn, tags.and("statistic", "max"), "sqlite.hybrid.writer.wait", WriterStats::maxWaitMs);
        gauge(registry, turn, tags.and("statistic", "mean"), "sqlite.hybrid.writer.hold", WriterStats::avgHoldMs);
        gauge(registry, turn, tags.and("statistic", "max"), "sqlite.hybrid.writer.hold", WriterStats::maxHoldMs);
        gauge(registry, turn, tags, "sqlite.hybrid.writer.lock.wait.max", WriterStats::maxLockWaitMs);
    }

    private static void gauge(
            MeterRegistry registry, WriteTurn turn, Tags tags, String name, ToDoubleFunction<WriterStats> figure) {
        Gauge.builder(name, turn, (t) -> figure.applyAsDouble(t.stats()))
                .description(
                        "Deprecated since 0.1.0: use the timers " + TURN_WAIT + ", " + TURN_HOLD + " and " + LOCK_WAIT)
                .baseUnit("milliseconds")
                .tags(tags)
                .register(registry);
    }

    /** The timers of one registry, fed by the turn as it is taken, given back and locked. */
    private static final class Timers implements WriteTurnListener {

        private final Timer wait;

        private final Timer hold;

        private final Timer lock;

        private final DistributionSummary coalesced;

        private final Timer commitWait;

        Timers(MeterRegistry registry, Tags tags) {
            this.wait = Timer.builder(TURN_WAIT)
                    .description("Time waited for the SQLite write turn")
                    .tags(tags)
                    .register(registry);
            this.hold = Timer.builder(TURN_HOLD)
                    .description("Time the SQLite write turn was held")
                    .tags(tags)
                    .register(registry);
            this.lock = Timer.builder(LOCK_WAIT)
                    .description("Time taken to get SQLite's own write lock (BEGIN IMMEDIATE) while holding the turn")
                    .tags(tags)
                    .register(registry);
            this.coalesced = DistributionSummary.builder(COALESCING_TRANSACTIONS)
                    .description("Write transactions included in each COMMIT of the single writer")
                    .baseUnit("transactions")
                    .tags(tags)
                    .register(registry);
            this.commitWait = Timer.builder(COALESCING_COMMIT_WAIT)
                    .description("Time a write transaction's commit waited for the COMMIT that included it")
                    .tags(tags)
                    .register(registry);
        }

        @Override
        public void onAcquired(long waitNanos) {
            this.wait.record(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onReleased(long holdNanos) {
            this.hold.record(holdNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onLock(long nanos, boolean acquired) {
            this.lock.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onCoalescedCommit(int transactions) {
            this.coalesced.record(transactions);
        }

        @Override
        public void onCommitWait(long nanos) {
            this.commitWait.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
