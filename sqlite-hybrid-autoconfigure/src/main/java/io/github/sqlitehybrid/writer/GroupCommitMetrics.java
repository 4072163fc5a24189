package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of the {@link GroupCommitWriter}. Counters and the gauge read its {@link GroupCommitStats};
 * waits, commits and group sizes are recorded as each group runs:
 *
 * <ul>
 *   <li>{@value #UNITS} (counter): units, tagged {@code outcome}: {@code committed}, {@code failed} (units that
 *       threw or whose group failed), {@code rejected} (refused: the queue stayed full or the writer stopped).
 *   <li>{@value #TRANSACTIONS} (counter): transactions run, tagged {@code outcome} ({@code committed},
 *       {@code failed}).
 *   <li>{@value #QUEUED} (gauge): units waiting now.
 *   <li>{@value #SIZE} (distribution summary): units per transaction.
 *   <li>{@value #QUEUE_WAIT} (timer): time each unit waited in the queue before its group began.
 *   <li>{@value #COMMIT} (timer): time of each successful COMMIT.
 * </ul>
 *
 * <p>Deprecated since 0.1.0 and still registered until their removal: {@code sqlite.hybrid.writer.group.units},
 * {@code .groups}, {@code .size} and {@code .queue.wait}, the same figures under names that did not follow the
 * feature's property prefix {@code sqlite.hybrid.writer.group-commit}. Boot's
 * {@code management.metrics.enable.<name>=false} turns each off; {@code management.metrics.enable.sqlite.hybrid=false}
 * turns off them all.
 *
 * @since 0.1.0
 */
public final class GroupCommitMetrics implements MeterBinder {

    /** Counter of units by outcome. */
    public static final String UNITS = "sqlite.hybrid.writer.group.commit.units";

    /** Counter of transactions by outcome. */
    public static final String TRANSACTIONS = "sqlite.hybrid.writer.group.commit.transactions";

    /** Gauge of units waiting in the queue. */
    public static final String QUEUED = "sqlite.hybrid.writer.group.commit.queued";

    /** Distribution summary of units per transaction. */
    public static final String SIZE = "sqlite.hybrid.writer.group.commit.size";

    /** Timer of the wait in the queue, per unit. */
    public static final String QUEUE_WAIT = "sqlite.hybrid.writer.group.commit.queue.wait";

    /** Timer of successful COMMITs. */
    public static final String COMMIT = "sqlite.hybrid.writer.group.commit";

    /**
     * Counter of transactions by outcome, under its former name.
     * @deprecated since 0.1.0 for removal, in favour of {@link #TRANSACTIONS}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static final String GROUPS = "sqlite.hybrid.writer.group.groups";

    private static final String OLD_UNITS = "sqlite.hybrid.writer.group.units";

    private static final String OLD_SIZE = "sqlite.hybrid.writer.group.size";

    private static final String OLD_QUEUE_WAIT = "sqlite.hybrid.writer.group.queue.wait";

    private final GroupCommitWriter writer;

    /**
     * Create the meters' binder.
     * @param writer the writer whose figures the meters read
     */
    public GroupCommitMetrics(GroupCommitWriter writer) {
        this.writer = writer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bindCounters(registry, UNITS, TRANSACTIONS);
        counter(
                registry,
                UNITS,
                "rejected",
                GroupCommitStats::rejectedUnits,
                "Units refused by the group commit writer");
        Gauge.builder(QUEUED, this.writer, (writer) -> writer.stats().queued())
                .description("Units waiting in the group commit queue")
                .baseUnit("units")
                .register(registry);
        // Deprecated names: the same counters, and the same events recorded twice.
        bindCounters(registry, OLD_UNITS, GROUPS);
        this.writer.addListener(new Recorder(registry, SIZE, QUEUE_WAIT, commitTimer(registry)));
        this.writer.addListener(new Recorder(registry, OLD_SIZE, OLD_QUEUE_WAIT, null));
    }

    private static Timer commitTimer(MeterRegistry registry) {
        return Timer.builder(COMMIT)
                .description("Time of a successful group commit COMMIT")
                .register(registry);
    }

    private void bindCounters(MeterRegistry registry, String units, String transactions) {
        String unitsRun = "Units of work run by the group commit writer";
        counter(registry, units, "committed", GroupCommitStats::committedUnits, unitsRun);
        counter(registry, units, "failed", GroupCommitStats::failedUnits, unitsRun);
        String transactionsRun = "Transactions run by the group commit writer";
        counter(registry, transactions, "committed", GroupCommitStats::committedGroups, transactionsRun);
        counter(registry, transactions, "failed", GroupCommitStats::failedGroups, transactionsRun);
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String outcome,
            ToDoubleFunction<GroupCommitStats> figure,
            String description) {
        FunctionCounter.builder(name, this.writer, (writer) -> figure.applyAsDouble(writer.stats()))
                .description(description)
                .tag("outcome", outcome)
                .register(registry);
    }

    /** The event meters of one registry, fed by the writer's thread as groups run. */
    private static final class Recorder implements GroupCommitListener {

        private final DistributionSummary size;

        private final Timer queueWait;

        private final @Nullable Timer commit;

        Recorder(MeterRegistry registry, String size, String queueWait, @Nullable Timer commit) {
            this.size = DistributionSummary.builder(size)
                    .description("Units run in one group commit transaction")
                    .baseUnit("units")
                    .register(registry);
            this.queueWait = Timer.builder(queueWait)
                    .description("Time a unit waited in the group commit queue before its transaction began")
                    .register(registry);
            this.commit = commit;
        }

        @Override
        public void onDequeued(long waitNanos) {
            this.queueWait.record(waitNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onGroupCommitted(int units, int failedUnits, long commitNanos) {
            this.size.record(units);
            if (this.commit != null) {
                this.commit.record(commitNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void onGroupFailed(int units, Throwable failure) {
            this.size.record(units);
        }
    }
}
