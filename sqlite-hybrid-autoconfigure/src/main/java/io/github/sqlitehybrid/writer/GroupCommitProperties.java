package io.github.sqlitehybrid.writer;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Settings of the {@link GroupCommitWriter}.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the
 * property, the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.writer.group-commit")
public class GroupCommitProperties {

    /** Whether to provide a GroupCommitWriter for the application's SQLite DataSource. */
    private boolean enabled = true;

    /** Most units run in one transaction. */
    private int maxBatch = 256;

    /** Units that may wait for the writer; beyond that, callers wait for space. */
    private int queueCapacity = 10_000;

    /** How long a caller waits for space in a full queue before its unit is refused; 0 refuses at once. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration offerTimeout = Duration.ofSeconds(5);

    /** Prepared statements kept open on the writer's connection for reuse, by SQL text; 0 turns reuse off. */
    private int statementCacheSize = 64;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxBatch() {
        return this.maxBatch;
    }

    public void setMaxBatch(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max-batch must be 1 or more (1 commits every unit alone)");
        }
        this.maxBatch = maxBatch;
    }

    public int getQueueCapacity() {
        return this.queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue-capacity must be 1 or more");
        }
        this.queueCapacity = queueCapacity;
    }

    public Duration getOfferTimeout() {
        return this.offerTimeout;
    }

    public void setOfferTimeout(Duration offerTimeout) {
        if (offerTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "offer-timeout must not be negative (0 refuses at once when the queue is full)");
        }
        this.offerTimeout = offerTimeout;
    }

    public int getStatementCacheSize() {
        return this.statementCacheSize;
    }

    public void setStatementCacheSize(int statementCacheSize) {
        if (statementCacheSize < 0) {
            throw new IllegalArgumentException("statement-cache-size must be 0 (no reuse) or more");
        }
        this.statementCacheSize = statementCacheSize;
    }
}
