package io.github.sqlitehybrid.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What happened in calls retried on lock errors, in total and per operation, kept in memory so that the
 * {@code dblocks} endpoint has figures with or without a Micrometer registry.
 *
 * @since 0.1.0
 */
public final class LockStatistics implements DbRetryListener {

    private static final int WINDOW_MINUTES = 5;

    private final Clock clock;

    private final Counters totals = new Counters();

    private final Map<String, Counters> operations = new ConcurrentHashMap<>();

    private final long[] minuteStamps = new long[WINDOW_MINUTES];

    private final long[] minuteCounts = new long[WINDOW_MINUTES];

    /** Create statistics timed by the system clock. */
    public LockStatistics() {
        this(Clock.systemUTC());
    }

    /**
     * Create statistics timed by the given clock.
     * @param clock the clock for event times and the per-minute window
     */
    public LockStatistics(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onLockError(String operation, String code) {
        Instant now = this.clock.instant();
        LockEvent event = new LockEvent(now, operation, code);
        this.totals.lockError(event);
        counters(operation).lockError(event);
        long minute = now.getEpochSecond() / 60;
        int slot = (int) (minute % WINDOW_MINUTES);
        synchronized (this.minuteCounts) {
            if (this.minuteStamps[slot] != minute) {
                this.minuteStamps[slot] = minute;
                this.minuteCounts[slot] = 0;
            }
            this.minuteCounts[slot]++;
        }
    }

    @Override
    public void onRetry(String operation, Duration waited) {
        this.totals.retry(waited);
        counters(operation).retry(waited);
    }

    @Override
    public void onCallComplete(String operation, DbRetryOutcome outcome, int attempts, @Nullable String lockErrorCode) {
        this.totals.complete(outcome, lockErrorCode != null);
        counters(operation).complete(outcome, lockErrorCode != null);
    }

    /**
     * Figures over every operation.
     * @return a snapshot
     */
    public DbRetryStats totals() {
        return this.totals.snapshot(lockErrorsPerMinute());
    }

    /**
     * Figures per operation, sorted by name.
     * @return a snapshot per operation
     */
    public Map<String, DbRetryStats> operations() {
        Map<String, DbRetryStats> result = new TreeMap<>();
        this.operations.forEach((name, counters) -> result.put(name, counters.snapshot(null)));
        return result;
    }

    /**
     * Figures of one operation.
     * @param operation the method or operation name
     * @return its snapshot, {@code null} before its first call
     * @since 0.1.0
     */
    public @Nullable DbRetryStats operation(String operation) {
        Counters counters = this.operations.get(operation);
        return (counters != null) ? counters.snapshot(null) : null;
    }

    private Counters counters(String operation) {
        return this.operations.computeIfAbsent(operation, (name) -> new Counters());
    }

    private double lockErrorsPerMinute() {
        long currentMinute = this.clock.instant().getEpochSecond() / 60;
        long count = 0;
        synchronized (this.minuteCounts) {
            for (int i = 0; i < WINDOW_MINUTES; i++) {
                if (currentMinute - this.minuteStamps[i] < WINDOW_MINUTES) {
                    count += this.minuteCounts[i];
                }
            }
        }
        return count / (double) WINDOW_MINUTES;
    }

    private static final class Counters {

        /** Calls by outcome, indexed by {@link DbRetryOutcome#ordinal()}. */
        private final LongAdder[] outcomes = new LongAdder[DbRetryOutcome.values().length];

        private final Map<String, LongAdder> codes = new ConcurrentHashMap<>();

        private final LongAdder lockErrors = new LongAdder();

        private final LongAdder retries = new LongAdder();

        private final LongAdder lockFailures = new LongAdder();

        private final LongAdder waitNanos = new LongAdder();

        private final LongAccumulator maxWaitNanos = new LongAccumulator(Math::max, 0);

        private volatile @Nullable LockEvent lastLockEvent;

        Counters() {
            for (DbRetryOutcome outcome : DbRetryOutcome.values()) {
                this.outcomes[outcome.ordinal()] = new LongAdder();
            }
        }

        void lockError(LockEvent event) {
            this.lockErrors.increment();
            this.codes.computeIfAbsent(event.code(), (key) -> new LongAdder()).increment();
            this.lastLockEvent = event;
        }

        void retry(Duration waited) {
            this.retries.increment();
            this.waitNanos.add(waited.toNanos());
            this.maxWaitNanos.accumulate(waited.toNanos());
        }

        void complete(DbRetryOutcome outcome, boolean lockFailure) {
            this.outcomes[outcome.ordinal()].increment();
            if (lockFailure) {
                this.lockFailures.increment();
            }
        }

        DbRetryStats snapshot(@Nullable Double perMinute) {
            Map<String, Long> outcomeCounts = new LinkedHashMap<>();
            long calls = 0;
            for (DbRetryOutcome outcome : DbRetryOutcome.values()) {
                long count = this.outcomes[outcome.ordinal()].sum();
                outcomeCounts.put(outcome.tagValue(), count);
                calls += count;
            }
            Map<String, Long> codeCounts = new TreeMap<>();
            this.codes.forEach((code, count) -> codeCounts.put(code, count.sum()));
            long retryCount = this.retries.sum();
            long failures = this.lockFailures.sum();
            return new DbRetryStats(
                    calls,
                    this.lockErrors.sum(),
                    retryCount,
                    this.outcomes[DbRetryOutcome.SUCCESS_WITH_RETRY.ordinal()].sum(),
                    failures,
                    (calls > 0) ? failures / (double) calls : 0.0,
                    (retryCount > 0) ? this.waitNanos.sum() / 1e6 / retryCount : 0.0,
                    this.maxWaitNanos.get() / 1e6,
                    this.lastLockEvent,
                    perMinute,
                    outcomeCounts,
                    codeCounts);
        }
    }

    /**
     * The most recent lock error.
     *
     * @param time when it happened
     * @param operation the method or operation that met it
     * @param code its code name
     */
    public record LockEvent(Instant time, String operation, String code) {}

    /**
     * Figures at one moment.
     * @deprecated since 0.1.0 for removal: {@link #totals()} and {@link #operations()} return
     *     {@link DbRetryStats}, the retry feature's statistics type, with the same accessors
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public interface Snapshot {

        /** @return calls made */
        long calls();

        /** @return attempts that failed with a lock error */
        long lockErrors();

        /** @return attempts after the first */
        long retries();

        /** @return calls that succeeded after one or more retries */
        long recoveries();

        /** @return calls that failed with a lock error */
        long failures();

        /** @return {@code failures / calls} */
        double failureRate();

        /** @return mean backoff wait before a retry, in milliseconds */
        double avgWaitMs();

        /** @return longest backoff wait before a retry, in milliseconds */
        double maxWaitMs();

        /** @return the most recent lock error, {@code null} if none */
        @Nullable
        LockEvent lastLockEvent();

        /** @return lock errors per minute over the last five minutes; {@code null} per operation */
        @Nullable
        Double lockErrorsPerMinute();

        /** @return calls by outcome */
        Map<String, Long> outcomes();

        /** @return lock errors by code name */
        Map<String, Long> lockErrorCodes();
    }
}
