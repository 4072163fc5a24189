package io.github.sqlitehybrid.backup;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.support.CronExpression;

/**
 * Online backups of the application's SQLite database: consistent copies taken while the service writes, on a
 * schedule and on demand, kept by count and by age.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.backup")
public class BackupProperties {

    /** The schedule's value that turns it off, as for Spring's {@code @Scheduled(cron = "-")}. */
    public static final String NO_SCHEDULE = "-";

    /** Whether backups are taken. */
    private boolean enabled;

    /** Where backups are written; created when missing. */
    private Path directory = Path.of("data", "backups");

    /**
     * When backups are taken, as a Spring cron expression (second, minute, hour, day of month, month, day of week,
     * in the server's time zone); "-" takes them on demand only.
     */
    private String cron = "0 0 * * * *";

    /** Most backups kept: once a new one is complete, the oldest beyond this count are deleted. */
    private int keep = 24;

    /** Backups older than this are deleted once a new one is complete; the newest is always kept. */
    private Duration maxAge = Duration.ofDays(7);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Path getDirectory() {
        return this.directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    public String getCron() {
        return this.cron;
    }

    public void setCron(String cron) {
        if (!NO_SCHEDULE.equals(cron) && !CronExpression.isValidExpression(cron)) {
            throw new IllegalArgumentException("sqlite.hybrid.backup.cron must be a Spring cron expression of six"
                    + " fields (second minute hour day-of-month month day-of-week) or \"-\", was '" + cron + "'");
        }
        this.cron = cron;
    }

    public int getKeep() {
        return this.keep;
    }

    public void setKeep(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("sqlite.hybrid.backup.keep must be at least 1, was " + keep);
        }
        this.keep = keep;
    }

    public Duration getMaxAge() {
        return this.maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("sqlite.hybrid.backup.max-age must be longer than 0, was " + maxAge);
        }
        this.maxAge = maxAge;
    }
}
