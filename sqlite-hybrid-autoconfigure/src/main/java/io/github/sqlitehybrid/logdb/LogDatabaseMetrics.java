package io.github.sqlitehybrid.logdb;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for the {@link LogDatabase}:
 *
 * <ul>
 *   <li>{@value #LOGGED} (counter): lines written to the log database.
 *   <li>{@value #DROPPED} (counter): lines refused because the queue was full.
 *   <li>{@value #FAILED} (counter): lines given up after the database refused them.
 *   <li>{@value #PENDING} (gauge): lines waiting to be written.
 * </ul>
 */
public final class LogDatabaseMetrics implements MeterBinder {

    /** Counter of lines written. */
    public static final String LOGGED = "sqlite.hybrid.logdb.logged";

    /** Counter of lines dropped on a full queue. */
    public static final String DROPPED = "sqlite.hybrid.logdb.dropped";

    /** Counter of lines that could not be written. */
    public static final String FAILED = "sqlite.hybrid.logdb.failed";

    /** Gauge of lines waiting to be written. */
    public static final String PENDING = "sqlite.hybrid.logdb.pending";

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
        FunctionCounter.builder(LOGGED, this.logDatabase, LogDatabase::writtenCount)
                .description("Log lines written to the log database")
                .baseUnit("lines")
                .register(registry);
        FunctionCounter.builder(DROPPED, this.logDatabase, LogDatabase::droppedCount)
                .description("Log lines dropped because the log database's queue was full")
                .baseUnit("lines")
                .register(registry);
        FunctionCounter.builder(FAILED, this.logDatabase, LogDatabase::failedCount)
                .description("Log lines given up after the log database refused them")
                .baseUnit("lines")
                .register(registry);
        Gauge.builder(PENDING, this.logDatabase, LogDatabase::pending)
                .description("Log lines waiting to be written to the log database")
                .baseUnit("lines")
                .register(registry);
    }
}
