package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.backup.BackupEntry;
import io.github.sqlitehybrid.backup.BackupResult;
import io.github.sqlitehybrid.backup.BackupStats;
import io.github.sqlitehybrid.backup.SqliteBackups;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code dbbackups} endpoint: {@code GET /actuator/dbbackups} lists the backups of the application's SQLite
 * database and the last success and failure; {@code POST /actuator/dbbackups} takes one now and answers with it.
 *
 * @since 0.1.0
 */
@Endpoint(id = "dbbackups")
public final class DbBackupsEndpoint {

    private final SqliteBackups backups;

    /**
     * Create the endpoint.
     * @param backups the application's backups
     */
    public DbBackupsEndpoint(SqliteBackups backups) {
        this.backups = backups;
    }

    /**
     * The backups.
     * @return the complete backups, newest first, and the figures since start
     */
    @ReadOperation
    public BackupsDescriptor backups() {
        BackupStats stats = this.backups.stats();
        String failure = stats.lastFailure();
        Instant failedAt = stats.lastFailureAt();
        return new BackupsDescriptor(
                this.backups.directory().toString(),
                this.backups.list(),
                stats.succeeded(),
                stats.failed(),
                stats.lastSuccess(),
                (failedAt != null && failure != null) ? new FailureDescriptor(failedAt, failure) : null);
    }

    /**
     * Take a backup now.
     * @return the backup taken
     */
    @WriteOperation
    public BackupResult backup() {
        return this.backups.backupNow();
    }

    /**
     * The backups and their figures.
     *
     * @param directory where they are
     * @param backups the complete ones, newest first
     * @param succeeded backups taken since start
     * @param failed backups failed since start
     * @param lastSuccess the last backup taken since start
     * @param lastFailure the last failure since start
     */
    public record BackupsDescriptor(
            String directory,
            List<BackupEntry> backups,
            long succeeded,
            long failed,
            @Nullable BackupResult lastSuccess,
            @Nullable FailureDescriptor lastFailure) {}

    /**
     * A backup that failed.
     *
     * @param at when
     * @param message why
     */
    public record FailureDescriptor(Instant at, String message) {}
}
