package io.github.sqlitehybrid.logdb;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of the {@link LogDatabase}, each read from its {@link LogDatabaseStats}:
 *
 * <ul>
 *   <li>{@value #LOGGED} (counter): lines written to the log database.
 *   <li>{@value #DROPPED} (counter): lines refused because the queue was full.
 *   <li>{@value #FAILED} (counter): lines given up after the database refused them.
 *   <li>{@value #PENDING} (gauge): lines waiting to be written.
 * </ul>
 *
 * <p>Deprecated since 0.1.0 and still registered until their removal: the same meters under
 * {@code sqlite.hybrid.logdb.*}, names that did not follow the feature's property prefix
 * {@code sqlite.hybrid.log-database}; Boot's {@code management.metrics.enable.sqlite.hybrid.logdb=false} turns
 * them off.
 *
 * @since 0.1.0
 */
public final class LogDatabaseMetrics implements MeterBinder {

    /** Counter of lines written. */
    public static final String LOGGED = "sqlite.hybrid.log.database.logged";

    /** Counter of lines dropped on a full queue. */
    public static final String DROPPED = "sqlite.hybrid.log.database.dropped";

    /** Counter of lines that could not be written. */
    public static final String FAILED = "sqlite.hybrid.log.database.failed";

    /** Gauge of lines waiting to be written. */
    public static final String PENDING = "sqlite.hybrid.log.database.pending";

    private static final String PREFIX = "sqlite.hybrid.log.database.";

    private static final String DEPRECATED_PREFIX = "sqlite.hybrid.logdb.";

    private final LogDatabase logDatabase;

    /**
     * Create meters for a log database.
     * @param logDatabase the log database to measure
     */
    public LogDatabaseMetrics(LogDatabase logDatabase) {
        this.logDatabase = logDatabase;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, PREFIX);
        bind(registry, DEPRECATED_PREFIX);
    }

    private void bind(MeterRegistry registry, String prefix) {
        counter(registry, prefix + "logged", LogDatabaseStats::logged, "Log lines written to the log database");
        counter(
                registry,
                prefix + "dropped",
                LogDatabaseStats::dropped,
                "Log lines dropped because the log database's queue was full");
        counter(
                registry,
                prefix + "failed",
                LogDatabaseStats::failed,
                "Log lines given up after the log database refused them");
        Gauge.builder(
                        prefix + "pending",
                        this.logDatabase,
                        (database) -> database.stats().pending())
                .description("Log lines waiting to be written to the log database")
                .baseUnit("lines")
                .register(registry);
    }

    private void counter(
            MeterRegistry registry, String name, ToDoubleFunction<LogDatabaseStats> figure, String description) {
        FunctionCounter.builder(name, this.logDatabase, (database) -> figure.applyAsDouble(database.stats()))
                .description(description)
                .baseUnit("lines")
                .register(registry);
    }
}
