package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for the {@link GroupCommitWriter}, registered at zero when bound:
 *
 * <ul>
 *   <li>{@value #UNITS} (counter): units run, tagged {@code outcome} ({@code committed}, or {@code failed}
 *       for units that threw or whose group failed).
 *   <li>{@value #GROUPS} (counter): transactions run, tagged {@code outcome} ({@code committed},
 *       {@code failed}).
 *   <li>{@value #SIZE} (distribution summary): units per transaction.
 *   <li>{@value #QUEUE_WAIT} (timer): time each unit waited in the queue before its group began.
 *   <li>{@value #COMMIT} (timer): time of each successful COMMIT.
 * </ul>
 *
 * <p>Boot's {@code management.metrics.enable.sqlite.hybrid=false} turns them off.
 */
public final class GroupCommitMetrics implements MeterBinder, GroupCommitListener {

    /** Counter of units by outcome. */
    public static final String UNITS = "sqlite.hybrid.writer.group.units";

    /** Counter of transactions by outcome. */
    public static final String GROUPS = "sqlite.hybrid.writer.group.groups";

    /** Distribution summary of units per transaction. */
    public static final String SIZE = "sqlite.hybrid.writer.group.size";

    /** Timer of the wait in the queue, per unit. */
    public static final String QUEUE_WAIT = "sqlite.hybrid.writer.group.queue.wait";

    /** Timer of successful COMMITs. */
    public static final String COMMIT = "sqlite.hybrid.writer.group.commit";

    private final List<Meters> meters = new CopyOnWriteArrayList<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        this.meters.add(new Meters(registry));
    }

    @Override
    public void onDequeued(long waitNanos) {
        for (Meters bound : this.meters) {
            bound.queueWait.record(waitNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onGroupCommitted(int units, int failedUnits, long commitNanos) {
        for (Meters bound : this.meters) {
            bound.committedUnits.increment(units - failedUnits);
            if (failedUnits > 0) {
                bound.failedUnits.increment(failedUnits);
            }
            bound.committedGroups.increment();
            bound.size.record(units);
            bound.commit.record(commitNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onGroupFailed(int units, Throwable failure) {
        for (Meters bound : this.meters) {
            bound.failedUnits.increment(units);
            bound.failedGroups.increment();
            bound.size.record(units);
        }
    }

    /** The meters of one registry, looked up once so that recording costs no registry lookup. */
    private static final class Meters {

        final Counter committedUnits;

        final Counter failedUnits;

        final Counter committedGroups;

        final Counter failedGroups;

        final DistributionSummary size;

        final Timer queueWait;

        final Timer commit;

        Meters(MeterRegistry registry) {
            this.committedUnits = units(registry, "committed");
            this.failedUnits = units(registry, "failed");
            this.committedGroups = groups(registry, "committed");
            this.failedGroups = groups(registry, "failed");
            this.size = DistributionSummary.builder(SIZE)
                    .description("Units run in one group commit transaction")
                    .baseUnit("units")
                    .register(registry);
            this.queueWait = Timer.builder(QUEUE_WAIT)
                    .description("Time a unit waited in the group commit queue before its transaction began")
                    .register(registry);
            this.commit = Timer.builder(COMMIT)
                    .description("Time of a successful group commit COMMIT")
                    .register(registry);
        }

        private static Counter units(MeterRegistry registry, String outcome) {
            return Counter.builder(UNITS)
                    .description("Units of work run by the group commit writer")
                    .tag("outcome", outcome)
                    .register(registry);
        }

        private static Counter groups(MeterRegistry registry, String outcome) {
            return Counter.builder(GROUPS)
                    .description("Transactions run by the group commit writer")
                    .tag("outcome", outcome)
                    .register(registry);
        }
    }
}
