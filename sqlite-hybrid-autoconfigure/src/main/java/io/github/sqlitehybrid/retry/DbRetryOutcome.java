package io.github.sqlitehybrid.retry;

import java.util.Locale;

/**
 * How one call through {@link DbRetry @DbRetry} or {@link DbRetryTemplate} ended.
 *
 * @since 0.1.0
 */
public enum DbRetryOutcome {

    /** Succeeded on the first attempt. */
    SUCCESS_WITHOUT_RETRY,

    /** Succeeded after one or more retries on lock errors. */
    SUCCESS_WITH_RETRY,

    /** Failed after one or more retries: attempts ran out on lock errors. */
    FAILED_WITH_RETRY,

    /**
     * Failed on the first attempt without a retry: a failure that is not a lock error, or a lock error
     * inside an outer transaction, which only the outermost boundary can retry.
     */
    FAILED_WITHOUT_RETRY;

    /**
     * The value of the {@code outcome} tag and JSON key.
     * @return the lower-case name
     */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
