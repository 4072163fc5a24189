package io.github.sqlitehybrid.backup;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the {@link SqliteBackups}:
 *
 * <ul>
 *   <li>{@value #BACKUPS} (counter, tag {@code outcome}: {@code succeeded}, {@code failed}): backups taken or
 *       failed since start.
 *   <li>{@value #DURATION} (function timer): the backups taken and the time they took.
 *   <li>{@value #SIZE} (gauge, bytes): the newest complete backup's size.
 *   <li>{@value #AGE} (time gauge): how long ago the newest complete backup began.
 * </ul>
 *
 * @since 0.1.0
 */
public final class BackupMetrics implements MeterBinder {

    /** Counter of backups by outcome. */
    public static final String BACKUPS = "sqlite.hybrid.backup.backups";

    /** Function timer of the backups taken. */
    public static final String DURATION = "sqlite.hybrid.backup.duration";

    /** Gauge of the newest backup's size. */
    public static final String SIZE = "sqlite.hybrid.backup.size";

    /** Time gauge of the newest backup's age. */
    public static final String AGE = "sqlite.hybrid.backup.age";

    private final SqliteBackups backups;

    /**
     * Create the binder.
     * @param backups the application's backups
     */
    public BackupMetrics(SqliteBackups backups) {
        this.backups = backups;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder(BACKUPS, this.backups, (b) -> b.stats().succeeded())
                .description("Backups of the SQLite database taken")
                .tag("outcome", "succeeded")
                .register(registry);
        FunctionCounter.builder(BACKUPS, this.backups, (b) -> b.stats().failed())
                .description("Backups of the SQLite database that failed")
                .tag("outcome", "failed")
                .register(registry);
        FunctionTimer.builder(
                        DURATION,
                        this.backups,
                        (b) -> b.stats().succeeded(),
                        (b) -> b.stats().totalDurationMs(),
                        TimeUnit.MILLISECONDS)
                .description("Time taken by the backups of the SQLite database: copy, check and rename")
                .register(registry);
        Gauge.builder(SIZE, this.backups, BackupMetrics::newestSize)
                .description("Size of the newest backup of the SQLite database")
                .baseUnit("bytes")
                .register(registry);
        TimeGauge.builder(AGE, this.backups, TimeUnit.SECONDS, BackupMetrics::newestAgeSeconds)
                .description("Time since the newest backup of the SQLite database began")
                .register(registry);
    }

    private static double newestSize(SqliteBackups backups) {
        List<BackupEntry> entries = backups.list();
        return entries.isEmpty() ? Double.NaN : entries.get(0).sizeBytes();
    }

    private static double newestAgeSeconds(SqliteBackups backups) {
        List<BackupEntry> entries = backups.list();
        return entries.isEmpty()
                ? Double.NaN
                : Duration.between(entries.get(0).createdAt(), Instant.now()).toMillis() / 1000.0;
    }
}
