package io.github.sqlitehybrid.retry;

import io.github.sqlitehybrid.retry.LockStatistics.LockEvent;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What happened in calls retried on lock errors, at one moment, in total or for one operation: the
 * {@code retry} section of {@code /actuator/dblocks} (and each entry of its {@code methods}), and what the
 * {@code sqlite.hybrid.retry.*} counters read.
 *
 * @param calls calls made
 * @param lockErrors attempts that failed with a lock error
 * @param retries attempts after the first
 * @param recoveries calls that succeeded after one or more retries
 * @param failures calls that failed with a lock error, after retries or where none was allowed
 * @param failureRate {@code failures / calls}
 * @param avgWaitMs mean backoff wait before a retry, in milliseconds
 * @param maxWaitMs longest backoff wait before a retry, in milliseconds
 * @param lastLockEvent the most recent lock error, {@code null} if none
 * @param lockErrorsPerMinute lock errors per minute over the last five minutes; {@code null} per operation
 * @param outcomes calls by {@link DbRetryOutcome#tagValue() outcome}
 * @param lockErrorCodes lock errors by code name
 * @since 0.1.0
 */
@SuppressWarnings("deprecation")
public record DbRetryStats(
        long calls,
        long lockErrors,
        long retries,
        long recoveries,
        long failures,
        double failureRate,
        double avgWaitMs,
        double maxWaitMs,
        @Nullable LockEvent lastLockEvent,
        @Nullable Double lockErrorsPerMinute,
        Map<String, Long> outcomes,
        Map<String, Long> lockErrorCodes)
        implements LockStatistics.Snapshot {

    /**
     * Calls that ended one way.
     * @param outcome how they ended
     * @return their number
     */
    public long calls(DbRetryOutcome outcome) {
        return this.outcomes.getOrDefault(outcome.tagValue(), 0L);
    }

    /**
     * Lock errors of one code.
     * @param code the code name, such as {@code SQLITE_BUSY}
     * @return their number
     */
    public long lockErrors(String code) {
        return this.lockErrorCodes.getOrDefault(code, 0L);
    }
}
