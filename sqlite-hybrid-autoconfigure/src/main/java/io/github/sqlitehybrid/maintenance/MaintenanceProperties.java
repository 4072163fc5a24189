package io.github.sqlitehybrid.maintenance;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Routine maintenance of the application's SQLite database: a periodic passive checkpoint of the WAL, a warning
 * when the WAL outgrows its limit, a truncating checkpoint when the service is quiet, and {@code PRAGMA optimize}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.maintenance")
public class MaintenanceProperties {

    /** Whether maintenance runs. */
    private boolean enabled;

    /**
     * How often a passive checkpoint runs: it copies what it can of the WAL into the database without waiting for
     * any reader or writer, and measures the WAL.
     */
    private Duration checkpointInterval = Duration.ofMinutes(1);

    /**
     * The WAL size past which a warning is logged (naming the long reads open) and counted. Defaults to
     * sqlite.hybrid.pragmas.journal-size-limit (64MB when that is -1), the size SQLite cuts the WAL back to whenever it
     * restarts it: a WAL bigger than that has not restarted since it grew, because a read held its snapshot.
     */
    private @Nullable DataSize walLimit;

    /**
     * Whether the WAL is truncated to nothing once the service is quiet: no frame written since the last passive
     * checkpoint, which copied every frame.
     */
    private boolean truncateWhenQuiet = true;

    /**
     * How often PRAGMA optimize runs (it also runs as the service stops); 0 never.
     */
    private Duration optimizeInterval = Duration.ofHours(6);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getCheckpointInterval() {
        return this.checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException(
                    "sqlite.hybrid.maintenance.checkpoint-interval must be longer than 0, was " + checkpointInterval);
        }
        this.checkpointInterval = checkpointInterval;
    }

    public @Nullable DataSize getWalLimit() {
        return this.walLimit;
    }

    public void setWalLimit(@Nullable DataSize walLimit) {
        if (walLimit != null && walLimit.toBytes() <= 0) {
            throw new IllegalArgumentException(
                    "sqlite.hybrid.maintenance.wal-limit must be larger than 0, was " + walLimit);
        }
        this.walLimit = walLimit;
    }

    public boolean isTruncateWhenQuiet() {
        return this.truncateWhenQuiet;
    }

    public void setTruncateWhenQuiet(boolean truncateWhenQuiet) {
        this.truncateWhenQuiet = truncateWhenQuiet;
    }

    public Duration getOptimizeInterval() {
        return this.optimizeInterval;
    }

    public void setOptimizeInterval(Duration optimizeInterval) {
        if (optimizeInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "sqlite.hybrid.maintenance.optimize-interval must not be negative, was " + optimizeInterval);
        }
        this.optimizeInterval = optimizeInterval;
    }
}
