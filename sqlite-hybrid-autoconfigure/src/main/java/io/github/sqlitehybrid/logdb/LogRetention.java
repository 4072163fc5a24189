package io.github.sqlitehybrid.logdb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * Deletes lines older than {@code retention}, a chunk per transaction, then gives the freed pages back with
 * incremental vacuum: on the writer thread when it starts and then daily, or at once when asked.
 */
final class LogRetention {

    private static final long PERIOD_NANOS = TimeUnit.DAYS.toNanos(1);

    private final LogStatements statements;

    private final boolean incrementalVacuum;

    private final Duration retention;

    private final LastError lastError;

    LogRetention(LogStatements statements, boolean incrementalVacuum, Duration retention, LastError lastError) {
        this.statements = statements;
        this.incrementalVacuum = incrementalVacuum;
        this.retention = retention;
        this.lastError = lastError;
    }

    /**
     * The writer's scheduled run, when it starts and then daily: delete old lines, recording rather than
     * throwing a failure.
     * @param nowNanos the writer's clock
     * @param betweenChunks called between transactions; returning {@code false} ends the run early
     * @return when the next run is due, on the writer's clock
     */
    long runScheduled(long nowNanos, BooleanSupplier betweenChunks) {
        if (!this.retention.isZero()) {
            try {
                purge(System.currentTimeMillis() - this.retention.toMillis(), betweenChunks);
            } catch (Throwable ex) {
                this.lastError.record("retention", ex);
            }
        }
        return nowNanos + PERIOD_NANOS;
    }

    /** Delete lines older than {@code retention} now; 0 when retention is 0 (keep every line). */
    long apply() {
        return (this.retention.isZero()) ? 0 : purgeOlderThan(this.retention);
    }

    /** Delete lines older than an age now. */
    long purgeOlderThan(Duration age) {
        try {
            return purge(System.currentTimeMillis() - age.toMillis(), () -> true);
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Deleting old log lines", LogStatements.PURGE_CHUNK_SQL, ex);
        }
    }

    private long purge(long cutoffMillis, BooleanSupplier betweenChunks) throws SQLException {
        long deleted = 0;
        while (true) {
            int chunk = this.statements.deleteChunk(cutoffMillis);
            deleted += chunk;
            if (chunk < LogStatements.PURGE_CHUNK_ROWS || !betweenChunks.getAsBoolean()) {
                break;
            }
        }
        if (deleted > 0 && this.incrementalVacuum) {
            vacuum(betweenChunks);
        }
        return deleted;
    }

    private void vacuum(BooleanSupplier betweenChunks) throws SQLException {
        int before = Integer.MAX_VALUE;
        while (true) {
            int free = this.statements.vacuumChunk(before);
            if (free == 0 || free >= before || !betweenChunks.getAsBoolean()) {
                return;
            }
            before = free;
        }
    }
}
