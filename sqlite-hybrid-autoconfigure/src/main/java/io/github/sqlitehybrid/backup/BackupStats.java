package io.github.sqlitehybrid.backup;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The backups' figures since the application started.
 *
 * @param succeeded backups taken
 * @param failed backups that failed
 * @param lastSuccess the last backup taken, {@code null} before the first
 * @param lastFailureAt when the last backup failed, {@code null} when none has
 * @param lastFailure why it failed
 * @param totalDurationMs time the backups taken took, together
 * @since 0.1.0
 */
public record BackupStats(
        long succeeded,
        long failed,
        long totalDurationMs,
        @Nullable BackupResult lastSuccess,
        @Nullable Instant lastFailureAt,
        @Nullable String lastFailure) {}
