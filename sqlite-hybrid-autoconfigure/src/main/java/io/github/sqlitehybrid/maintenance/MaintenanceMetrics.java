package io.github.sqlitehybrid.maintenance;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of {@link SqliteMaintenance}:
 *
 * <ul>
 *   <li>{@value #WAL_SIZE} (gauge, bytes): the WAL file's size now;
 *   <li>{@value #WAL_LIMIT} (gauge, bytes): the size past which it is reported;
 *   <li>{@value #WAL_OVERSIZED} (counter): checks that found it past the limit;
 *   <li>{@value #CHECKPOINTS} (counter, tags {@code mode} = {@code passive} or {@code truncate}): checkpoints run;
 *   <li>{@value #BUSY_CHECKPOINTS} (counter): checkpoints a reader or writer kept from completing;
 *   <li>{@value #OPTIMIZATIONS} (counter): runs of {@code PRAGMA optimize}.
 * </ul>
 *
 * @since 0.1.0
 */
public final class MaintenanceMetrics implements MeterBinder {

    /** Gauge of the WAL file's size. */
    public static final String WAL_SIZE = "sqlite.hybrid.maintenance.wal.size";

    /** Gauge of the WAL's limit. */
    public static final String WAL_LIMIT = "sqlite.hybrid.maintenance.wal.limit";

    /** Counter of the checks that found the WAL past its limit. */
    public static final String WAL_OVERSIZED = "sqlite.hybrid.maintenance.wal.oversized";

    /** Counter of checkpoints, by mode. */
    public static final String CHECKPOINTS = "sqlite.hybrid.maintenance.checkpoints";

    /** Counter of checkpoints that could not complete. */
    public static final String BUSY_CHECKPOINTS = "sqlite.hybrid.maintenance.checkpoints.busy";

    /** Counter of runs of {@code PRAGMA optimize}. */
    public static final String OPTIMIZATIONS = "sqlite.hybrid.maintenance.optimizations";

    private final SqliteMaintenance maintenance;

    /**
     * Create the binder.
     * @param maintenance the application's maintenance
     */
    public MaintenanceMetrics(SqliteMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(WAL_SIZE, this.maintenance, (m) -> m.stats().walSizeBytes())
                .description("Size of the SQLite database's WAL file")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder(WAL_LIMIT, this.maintenance, (m) -> m.stats().walLimitBytes())
                .description("Size past which the WAL is reported (sqlite.hybrid.maintenance.wal-limit)")
                .baseUnit("bytes")
                .register(registry);
        counter(
                registry,
                WAL_OVERSIZED,
                null,
                MaintenanceStats::oversizedWal,
                "Checks that found the WAL past its limit");
        counter(registry, CHECKPOINTS, "passive", MaintenanceStats::passiveCheckpoints, "WAL checkpoints run");
        counter(registry, CHECKPOINTS, "truncate", MaintenanceStats::truncations, "WAL checkpoints run");
        counter(
                registry,
                BUSY_CHECKPOINTS,
                null,
                MaintenanceStats::busyCheckpoints,
                "WAL checkpoints that a reader or writer kept from completing");
        counter(registry, OPTIMIZATIONS, null, MaintenanceStats::optimizations, "Runs of PRAGMA optimize");
    }

    private void counter(
            MeterRegistry registry,
            String name,
            @Nullable String mode,
            ToLongFunction<MaintenanceStats> figure,
            String description) {
        FunctionCounter.Builder<SqliteMaintenance> builder = FunctionCounter.builder(
                        name, this.maintenance, (m) -> figure.applyAsLong(m.stats()))
                .description(description);
        if (mode != null) {
            builder.tag("mode", mode);
        }
        builder.register(registry);
    }
}
