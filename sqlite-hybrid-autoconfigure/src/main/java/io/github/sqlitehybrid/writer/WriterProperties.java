package io.github.sqlitehybrid.writer;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The single writer: write transactions serialized inside the JVM, reads on connections of their own.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the
 * property, the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.writer")
public class WriterProperties {

    /** Whether write transactions on the application's SQLite pool take a JVM-wide write turn. */
    private boolean enabled = true;

    /**
     * Longest wait for the write turn; running out raises a lock error that @DbRetry retries and whose
     * message names the holder.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration acquireTimeout = Duration.ofSeconds(30);

    /** Holds of the write turn longer than this are logged with their method and counted. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration longTransactionThreshold = Duration.ofSeconds(1);

    /**
     * Read-only transactions that keep their snapshot longer than this are logged with their method and thread and
     * counted: while one is open, SQLite cannot checkpoint the WAL past it, so the WAL grows.
     */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration longReadThreshold = WriteTurn.DEFAULT_LONG_READ_THRESHOLD;

    /** Commit coalescing: write transactions that queue for the turn share one COMMIT. */
    private final Coalescing coalescing = new Coalescing();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getAcquireTimeout() {
        return this.acquireTimeout;
    }

    public void setAcquireTimeout(Duration acquireTimeout) {
        if (acquireTimeout.isNegative() || acquireTimeout.isZero()) {
            throw new IllegalArgumentException("acquire-timeout must be longer than 0");
        }
        this.acquireTimeout = acquireTimeout;
    }

    public Duration getLongTransactionThreshold() {
        return this.longTransactionThreshold;
    }

    public void setLongTransactionThreshold(Duration longTransactionThreshold) {
        if (longTransactionThreshold.isNegative()) {
            throw new IllegalArgumentException("long-transaction-threshold must not be negative");
        }
        this.longTransactionThreshold = longTransactionThreshold;
    }

    public Duration getLongReadThreshold() {
        return this.longReadThreshold;
    }

    public void setLongReadThreshold(Duration longReadThreshold) {
        if (longReadThreshold.isNegative()) {
            throw new IllegalArgumentException(
                    "sqlite.hybrid.writer.long-read-threshold must not be negative, was " + longReadThreshold);
        }
        this.longReadThreshold = longReadThreshold;
    }

    public Coalescing getCoalescing() {
        return this.coalescing;
    }

    /**
     * Commit coalescing. While write transactions wait for the turn, each runs in a {@code SAVEPOINT} of one open
     * SQLite transaction on the writer's connection, and its commit returns once the COMMIT that includes it has
     * succeeded. A transaction that rolls back rolls back alone; a lone writer commits at once.
     *
     * <p>Off by default: a transaction's commit then waits for the transactions that follow it in its group, so
     * an application whose transactions take a lock after writing that another transaction holds until its commit
     * has returned (Spring Batch's multi-threaded steps do) would deadlock.
     *
     * @since 0.1.0
     */
    public static class Coalescing {

        /**
         * Whether write transactions that queue for the turn share one COMMIT. Only for applications whose
         * transactions never wait, holding the write turn, for a lock that another transaction releases after its
         * commit (Spring Batch's multi-threaded steps do).
         */
        private boolean enabled;

        /** Most write transactions one COMMIT includes. */
        private int maxTransactions = 64;

        /**
         * Longest time a group of transactions stays open before its COMMIT, from the first transaction's first
         * statement; with the transaction under way when it runs out, the group's longest wait for durability.
         */
        @DurationUnit(ChronoUnit.MILLIS)
        private Duration maxAge = Duration.ofMillis(5);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxTransactions() {
            return this.maxTransactions;
        }

        public void setMaxTransactions(int maxTransactions) {
            if (maxTransactions < 1) {
                throw new IllegalArgumentException(
                        "sqlite.hybrid.writer.coalescing.max-transactions must be at least 1, was " + maxTransactions);
            }
            this.maxTransactions = maxTransactions;
        }

        public Duration getMaxAge() {
            return this.maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException(
                        "sqlite.hybrid.writer.coalescing.max-age must be longer than 0, was " + maxAge);
            }
            this.maxAge = maxAge;
        }
    }
}
