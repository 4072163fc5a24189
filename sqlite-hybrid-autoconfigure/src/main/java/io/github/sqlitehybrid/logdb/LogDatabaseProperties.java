package io.github.sqlitehybrid.logdb;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.slf4j.event.Level;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Settings of the {@link LogDatabase}: application logs written to their own SQLite file.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the
 * property, the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.log-database")
public class LogDatabaseProperties {

    /** Largest number of lines the queue between the loggers and the writer accepts. */
    static final int MAX_QUEUE_CAPACITY = 1_000_000;

    /** Largest number of lines written in one transaction. */
    static final int MAX_BATCH_SIZE = 10_000;

    /** Whether application logs are also written to the log database. */
    private boolean enabled;

    /**
     * File of the log database, never the application's own database; parent directories are created.
     * Empty for an in-memory database that lives as long as the application.
     */
    private String path = "./data/logs.db";

    /**
     * Lowest level written to the log database. A logger's own level still applies first: lines it does
     * not log never reach the log database.
     */
    private Level minLevel = Level.INFO;

    /**
     * Lines that may wait for the writer. When the queue is full, further lines are dropped and counted
     * instead of making the logging thread wait.
     */
    private int queueCapacity = 8192;

    /** Most lines written in one transaction; a full batch is written at once. */
    private int maxBatchSize = 50;

    /** Longest time a line waits in the queue before it is written, when batches do not fill. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration flushInterval = Duration.ofSeconds(2);

    /**
     * How long lines are kept. Older lines are deleted at startup and then daily; 0 keeps every line.
     */
    @DurationUnit(ChronoUnit.DAYS)
    private Duration retention = Duration.ofDays(7);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return this.path;
    }

    public void setPath(String path) {
        if (path.indexOf('\0') >= 0 || path.indexOf('?') >= 0) {
            throw new IllegalArgumentException("path must be a file path without '?' or NUL characters");
        }
        this.path = path.strip();
    }

    public Level getMinLevel() {
        return this.minLevel;
    }

    public void setMinLevel(Level minLevel) {
        this.minLevel = minLevel;
    }

    public int getQueueCapacity() {
        return this.queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        if (queueCapacity < 1 || queueCapacity > MAX_QUEUE_CAPACITY) {
            throw new IllegalArgumentException("queue-capacity must be between 1 and " + MAX_QUEUE_CAPACITY);
        }
        this.queueCapacity = queueCapacity;
    }

    public int getMaxBatchSize() {
        return this.maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("max-batch-size must be between 1 and " + MAX_BATCH_SIZE);
        }
        this.maxBatchSize = maxBatchSize;
    }

    public Duration getFlushInterval() {
        return this.flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("flush-interval must be longer than 0 and at most 1 day");
        }
        this.flushInterval = flushInterval;
    }

    public Duration getRetention() {
        return this.retention;
    }

    public void setRetention(Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must be 0 (keep every line) or a positive duration");
        }
        this.retention = retention;
    }
}
