package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.backup.BackupEntry;
import io.github.sqlitehybrid.backup.BackupProperties;
import io.github.sqlitehybrid.backup.SqliteBackups;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.scheduling.support.CronExpression;

/**
 * Health of the backups, contributed as {@code sqliteBackups}: {@code DOWN} when the newest complete backup (or,
 * before the first, the application's start) is older than twice the schedule's interval, so that a backup that
 * keeps failing is seen before it is needed. With backups on demand only ({@code cron=-}) it is {@code UP} and
 * shows the newest backup.
 *
 * <p>Boot's liveness and readiness groups leave it out, so a stale backup never restarts the service or takes it
 * out of a load balancer; it shows in {@code /actuator/health} for monitoring.
 *
 * @since 0.1.0
 */
public final class BackupHealthIndicator extends AbstractHealthIndicator {

    private final SqliteBackups backups;

    private final @Nullable CronExpression schedule;

    private final Clock clock;

    private final Instant started;

    /**
     * Create the indicator.
     * @param backups the application's backups
     * @param properties their schedule
     */
    public BackupHealthIndicator(SqliteBackups backups, BackupProperties properties) {
        this(backups, properties, Clock.systemDefaultZone());
    }

    BackupHealthIndicator(SqliteBackups backups, BackupProperties properties, Clock clock) {
        super("Backup health check failed");
        this.backups = backups;
        this.schedule = BackupProperties.NO_SCHEDULE.equals(properties.getCron())
                ? null
                : CronExpression.parse(properties.getCron());
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<BackupEntry> entries = this.backups.list();
        BackupEntry newest = entries.isEmpty() ? null : entries.get(0);
        builder.withDetail("directory", this.backups.directory().toString()).withDetail("backups", entries.size());
        if (newest != null) {
            builder.withDetail("newest", newest.file())
                    .withDetail("newestCreatedAt", newest.createdAt().toString());
        }
        Duration interval = interval();
        if (interval == null) {
            builder.up().withDetail("schedule", "on demand only");
            return;
        }
        Instant since = (newest != null) ? newest.createdAt() : this.started;
        Duration age = Duration.between(since, this.clock.instant());
        builder.withDetail("interval", interval.toString());
        if (age.compareTo(interval.multipliedBy(2)) > 0) {
            builder.down()
                    .withDetail(
                            "reason",
                            (newest != null)
                                    ? "the newest backup is " + age.toMinutes() + " min old, over twice the schedule"
                                    : "no backup since the start, " + age.toMinutes() + " min ago");
        } else {
            builder.up();
        }
    }

    /** The time between the schedule's next two runs. */
    private @Nullable Duration interval() {
        CronExpression cron = this.schedule;
        if (cron == null) {
            return null;
        }
        ZonedDateTime now = ZonedDateTime.ofInstant(this.clock.instant(), ZoneId.systemDefault());
        ZonedDateTime next = cron.next(now);
        ZonedDateTime after = (next != null) ? cron.next(next) : null;
        return (next != null && after != null) ? Duration.between(next, after) : null;
    }
}
