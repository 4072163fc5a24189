package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Settings of the {@link WriteBuffer}.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the property,
 * the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.write-buffer")
public class WriteBufferProperties {

    /** Prefix of the properties, for messages. */
    static final String PREFIX = "sqlite.hybrid.write-buffer";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Whether the write buffer is enabled. */
    private boolean enabled = true;

    /**
     * Most rows held pending at once, after coalescing; a write to a row that is already pending does not count
     * again.
     */
    private int maxPending = 1000;

    /** Time between two scheduled flushes. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration flushInterval = Duration.ofSeconds(5);

    /** Rows written per transaction; a flush also starts early when this many rows are pending. */
    private int flushBatchSize = 100;

    /** What a write does when max-pending rows are pending. */
    private OverflowPolicy overflow = OverflowPolicy.BLOCK;

    /** How long a write waits for space when the overflow policy is block. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration offerTimeout = Duration.ofSeconds(5);

    /**
     * Flush order by table name: lower numbers flush first, tables not listed after every listed one; rows of
     * one priority flush in arrival order.
     */
    private Map<String, Integer> tablePriorities = new LinkedHashMap<>();

    /** Most rows refused by the database that are kept, with their error, for stats and the endpoint. */
    private int deadLetterCapacity = 100;

    /** How long shutdown keeps trying to flush pending rows before giving up on them. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxPending() {
        return this.maxPending;
    }

    public void setMaxPending(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("max-pending must be 1 or more");
        }
        this.maxPending = maxPending;
    }

    public Duration getFlushInterval() {
        return this.flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush-interval must be longer than zero");
        }
        this.flushInterval = flushInterval;
    }

    public int getFlushBatchSize() {
        return this.flushBatchSize;
    }

    public void setFlushBatchSize(int flushBatchSize) {
        if (flushBatchSize < 1) {
            throw new IllegalArgumentException("flush-batch-size must be 1 or more");
        }
        this.flushBatchSize = flushBatchSize;
    }

    public OverflowPolicy getOverflow() {
        return this.overflow;
    }

    public void setOverflow(OverflowPolicy overflow) {
        this.overflow = overflow;
    }

    public Duration getOfferTimeout() {
        return this.offerTimeout;
    }

    public void setOfferTimeout(Duration offerTimeout) {
        if (offerTimeout.isNegative()) {
            throw new IllegalArgumentException("offer-timeout must not be negative");
        }
        this.offerTimeout = offerTimeout;
    }

    public Map<String, Integer> getTablePriorities() {
        return this.tablePriorities;
    }

    public void setTablePriorities(Map<String, Integer> tablePriorities) {
        checkTablePriorities(tablePriorities);
        this.tablePriorities = tablePriorities;
    }

    static void checkTablePriorities(Map<String, Integer> tablePriorities) {
        tablePriorities.forEach((table, priority) -> {
            if (!IDENTIFIER.matcher(table).matches()) {
                throw new InvalidSqliteHybridPropertyException(
                        PREFIX + ".table-priorities." + table,
                        table,
                        "table name is not an identifier",
                        List.of("[A-Za-z_][A-Za-z0-9_]*"));
            }
            if (priority == null) {
                throw new InvalidSqliteHybridPropertyException(
                        PREFIX + ".table-priorities." + table, null, "priority is missing", List.of("an integer"));
            }
        });
    }

    public int getDeadLetterCapacity() {
        return this.deadLetterCapacity;
    }

    public void setDeadLetterCapacity(int deadLetterCapacity) {
        if (deadLetterCapacity < 0 || deadLetterCapacity > 100_000) {
            throw new IllegalArgumentException("dead-letter-capacity must be between 0 and 100000");
        }
        this.deadLetterCapacity = deadLetterCapacity;
    }

    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdown-timeout must not be negative");
        }
        this.shutdownTimeout = shutdownTimeout;
    }
}
