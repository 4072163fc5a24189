package io.github.sqlitehybrid.retry;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.core.Ordered;

/**
 * Defaults for {@link DbRetry @DbRetry} and {@link DbRetryTemplate}.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the
 * property, the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.retry")
public class DbRetryProperties {

    /** Default order of the retry advice: just outside the transaction advice. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

    /** Total number of invocations, the first included. */
    private int maxAttempts = 3;

    /** Wait before the first retry. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration initialDelay = Duration.ofMillis(100);

    /** Longest wait between two attempts. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration maxDelay = Duration.ofSeconds(2);

    /** Factor applied to the wait after each retry. */
    private double multiplier = 2.0;

    /**
     * Whether each wait is randomised by up to half the initial delay either way, so that threads that
     * failed together do not retry together.
     */
    private boolean jitter = true;

    /**
     * Order of the retry advice. It must run before (outside) the transaction advice, whose order is
     * Ordered.LOWEST_PRECEDENCE by default, so that every attempt is a new transaction.
     */
    private int order = DEFAULT_ORDER;

    public int getMaxAttempts() {
        return this.maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be 1 or more (1 means no retry)");
        }
        this.maxAttempts = maxAttempts;
    }

    public Duration getInitialDelay() {
        return this.initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
        DbRetrySettings.requireNotNegative("initial-delay", initialDelay);
        this.initialDelay = initialDelay;
    }

    public Duration getMaxDelay() {
        return this.maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
        DbRetrySettings.requireNotNegative("max-delay", maxDelay);
        this.maxDelay = maxDelay;
    }

    public double getMultiplier() {
        return this.multiplier;
    }

    public void setMultiplier(double multiplier) {
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a number of 1.0 or more");
        }
        this.multiplier = multiplier;
    }

    public boolean isJitter() {
        return this.jitter;
    }

    public void setJitter(boolean jitter) {
        this.jitter = jitter;
    }

    public int getOrder() {
        return this.order;
    }

    public void setOrder(int order) {
        this.order = order;
    }
}
