package io.github.sqlitehybrid.retry;

import java.time.Duration;
import java.util.function.Predicate;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.retry.RetryPolicy;

/**
 * How often and how patiently a call is retried on lock errors: the effective settings of one
 * {@link DbRetry @DbRetry} method or {@link DbRetryTemplate} call.
 *
 * @param maxAttempts total number of invocations, the first included; at least 1
 * @param initialDelay wait before the first retry
 * @param maxDelay longest wait between two attempts; not shorter than {@code initialDelay}
 * @param multiplier factor applied to the wait after each retry; at least 1
 * @param jitter whether each wait is randomised by up to half the initial delay either way
 *
 * @since 0.1.0
 */
public record DbRetrySettings(
        int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, boolean jitter) {

    /**
     * Check the settings.
     * @throws IllegalArgumentException naming the setting at fault
     */
    public DbRetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
        }
        requireNotNegative("initialDelay", initialDelay);
        requireNotNegative("maxDelay", maxDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "maxDelay (" + maxDelay + ") must not be shorter than initialDelay (" + initialDelay + ")");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a number of 1.0 or more, was " + multiplier);
        }
    }

    /**
     * The settings given by {@code sqlite.hybrid.retry.*}.
     * @param properties the bound properties
     * @return the settings
     */
    public static DbRetrySettings from(DbRetryProperties properties) {
        return new DbRetrySettings(
                properties.getMaxAttempts(),
                properties.getInitialDelay(),
                properties.getMaxDelay(),
                properties.getMultiplier(),
                properties.isJitter());
    }

    /**
     * These settings with the attributes that the annotation sets explicitly.
     * @param annotation the annotation of a method or type
     * @return the merged settings
     * @throws IllegalArgumentException if an attribute cannot be parsed or is out of range
     */
    public DbRetrySettings overriddenBy(DbRetry annotation) {
        return new DbRetrySettings(
                (annotation.maxAttempts() != -1) ? annotation.maxAttempts() : this.maxAttempts,
                duration("initialDelay", annotation.initialDelay(), this.initialDelay),
                duration("maxDelay", annotation.maxDelay(), this.maxDelay),
                (annotation.multiplier() != -1) ? annotation.multiplier() : this.multiplier,
                (annotation.jitter().length > 0) ? annotation.jitter()[0] : this.jitter);
    }

    /**
     * A Spring {@link RetryPolicy} that retries what {@code retryable} accepts, with exponential backoff.
     * @param retryable which failures may be retried
     * @return the policy
     */
    public RetryPolicy toRetryPolicy(Predicate<Throwable> retryable) {
        Duration jitterAmount = this.jitter ? this.initialDelay.dividedBy(2) : Duration.ZERO;
        return RetryPolicy.builder()
                .maxRetries(this.maxAttempts - 1L)
                .delay(this.initialDelay)
                .maxDelay(this.maxDelay)
                .multiplier(this.multiplier)
                .jitter(jitterAmount)
                .predicate(retryable)
                .build();
    }

    static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    private static Duration duration(String attribute, String value, Duration inherited) {
        if (value.isEmpty()) {
            return inherited;
        }
        try {
            return DurationStyle.detectAndParse(value);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "@DbRetry(" + attribute + " = \"" + value + "\") is not a duration such as 100ms or 2s", ex);
        }
    }
}
