package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters of each single-writer DataSource's {@link WriteTurn}, tagged {@code database} (the
 * file path):
 *
 * <ul>
 *   <li>{@code sqlite.hybrid.writer.queue} (gauge): threads waiting for the turn now.
 *   <li>{@code sqlite.hybrid.writer.acquisitions} (counter): times the turn was taken.
 *   <li>{@code sqlite.hybrid.writer.wait} and {@code sqlite.hybrid.writer.hold} (gauges, milliseconds,
 *       tag {@code statistic} = {@code mean} or {@code max}): time waited for and holding the turn.
 *   <li>{@code sqlite.hybrid.writer.timeouts} (counter): waits that ran out.
 *   <li>{@code sqlite.hybrid.writer.long.transactions} (counter): holds longer than
 *       {@code sqlite.hybrid.writer.long-transaction-threshold}.
 *   <li>{@code sqlite.hybrid.writer.lock.wait} (timer): time the holder of the turn took to get SQLite's own
 *       write lock ({@code BEGIN IMMEDIATE}); beyond a statement's cost, that is waiting in SQLite's busy
 *       handler for another process. {@code sqlite.hybrid.writer.lock.wait.max} (gauge, milliseconds): the
 *       longest such wait.
 *   <li>{@code sqlite.hybrid.writer.lock.failures} (counter): {@code BEGIN IMMEDIATE}s that failed, such as
 *       another process holding the lock past {@code busy_timeout}.
 * </ul>
 */
public final class WriteTurnMetrics implements MeterBinder {

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
        String database = turn.database();
        Gauge.builder("sqlite.hybrid.writer.queue", turn, (t) -> t.stats().waiting())
                .description("Threads waiting for the SQLite write turn")
                .tag("database", database)
                .register(registry);
        FunctionCounter.builder(
                        "sqlite.hybrid.writer.acquisitions",
                        turn,
                        (t) -> t.stats().acquisitions())
                .description("Times the SQLite write turn was taken")
                .tag("database", database)
                .register(registry);
        FunctionCounter.builder(
                        "sqlite.hybrid.writer.timeouts", turn, (t) -> t.stats().timeouts())
                .description("Waits for the SQLite write turn that ran out")
                .tag("database", database)
                .register(registry);
        FunctionCounter.builder(
                        "sqlite.hybrid.writer.long.transactions",
                        turn,
                        (t) -> t.stats().longTransactions())
                .description("Write transactions that held the write turn longer than the threshold")
                .tag("database", database)
                .register(registry);
        Gauge.builder("sqlite.hybrid.writer.wait", turn, (t) -> t.stats().avgWaitMs())
                .description("Mean wait for the SQLite write turn")
                .baseUnit("milliseconds")
                .tags("database", database, "statistic", "mean")
                .register(registry);
        Gauge.builder("sqlite.hybrid.writer.wait", turn, (t) -> t.stats().maxWaitMs())
                .description("Longest wait for the SQLite write turn")
                .baseUnit("milliseconds")
                .tags("database", database, "statistic", "max")
                .register(registry);
        Gauge.builder("sqlite.hybrid.writer.hold", turn, (t) -> t.stats().avgHoldMs())
                .description("Mean time the SQLite write turn was held")
                .baseUnit("milliseconds")
                .tags("database", database, "statistic", "mean")
                .register(registry);
        Gauge.builder("sqlite.hybrid.writer.hold", turn, (t) -> t.stats().maxHoldMs())
                .description("Longest time the SQLite write turn was held")
                .baseUnit("milliseconds")
                .tags("database", database, "statistic", "max")
                .register(registry);
        FunctionTimer.builder(
                        "sqlite.hybrid.writer.lock.wait",
                        turn,
                        (t) -> t.stats().locks(),
                        (t) -> t.stats().totalLockWaitMs(),
                        TimeUnit.MILLISECONDS)
                .description("Time taken to get SQLite's own write lock (BEGIN IMMEDIATE) while holding the turn")
                .tag("database", database)
                .register(registry);
        Gauge.builder(
                        "sqlite.hybrid.writer.lock.wait.max",
                        turn,
                        (t) -> t.stats().maxLockWaitMs())
                .description("Longest time taken to get SQLite's own write lock")
                .baseUnit("milliseconds")
                .tag("database", database)
                .register(registry);
        FunctionCounter.builder(
                        "sqlite.hybrid.writer.lock.failures",
                        turn,
                        (t) -> t.stats().lockFailures())
                .description("BEGIN IMMEDIATEs that failed, such as another process holding the lock past busy_timeout")
                .tag("database", database)
                .register(registry);
    }
}
