package io.github.sqlitehybrid.retry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for calls retried on lock errors. Counters read each operation's {@link DbRetryStats} from
 * {@link LockStatistics} and appear the first time their tags occur; the backoff wait is a timer, recorded as it
 * happens:
 *
 * <ul>
 *   <li>{@value #CALLS} (counter): calls, tagged {@code method} and {@code outcome}
 *       ({@code success_without_retry}, {@code success_with_retry}, {@code failed_with_retry},
 *       {@code failed_without_retry}).
 *   <li>{@value #LOCK_ERRORS} (counter): attempts that failed with a lock error, tagged {@code method} and
 *       {@code code} (the SQLite code name, such as {@code SQLITE_BUSY_SNAPSHOT}).
 *   <li>{@value #BACKOFF} (timer): time spent waiting before each retry, tagged {@code method}; its count is
 *       the number of retries.
 * </ul>
 *
 * <p>Boot's {@code management.metrics.enable.sqlite.hybrid=false} turns them off.
 *
 * @since 0.1.0
 */
public final class DbRetryMetrics implements MeterBinder, DbRetryListener {

    /** Counter of calls by method and outcome. */
    public static final String CALLS = "sqlite.hybrid.retry.calls";

    /** Counter of lock errors by method and code. */
    public static final String LOCK_ERRORS = "sqlite.hybrid.retry.lock.errors";

    /** Timer of backoff waits by method. */
    public static final String BACKOFF = "sqlite.hybrid.retry.backoff";

    private final LockStatistics statistics;

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** The tags whose counters are registered, so that each is registered once. */
    private final Set<List<String>> registered = ConcurrentHashMap.newKeySet();

    /**
     * Create the meters' binder.
     * @param statistics the figures the counters read; it must be told of every call too
     */
    public DbRetryMetrics(LockStatistics statistics) {
        this.statistics = statistics;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registries.add(registry);
        this.statistics.operations().forEach((operation, stats) -> {
            for (DbRetryOutcome outcome : DbRetryOutcome.values()) {
                if (stats.calls(outcome) > 0) {
                    registerCalls(registry, operation, outcome);
                }
            }
            stats.lockErrorCodes().keySet().forEach((code) -> registerLockErrors(registry, operation, code));
        });
    }

    @Override
    public void onLockError(String operation, String code) {
        if (this.registered.add(List.of(LOCK_ERRORS, operation, code))) {
            this.registries.forEach((registry) -> registerLockErrors(registry, operation, code));
        }
    }

    @Override
    public void onRetry(String operation, Duration waited) {
        for (MeterRegistry registry : this.registries) {
            Timer.builder(BACKOFF)
                    .description("Time waited before retrying after a database lock error")
                    .tag("method", operation)
                    .register(registry)
                    .record(waited);
        }
    }

    @Override
    public void onCallComplete(String operation, DbRetryOutcome outcome, int attempts, @Nullable String lockErrorCode) {
        if (this.registered.add(List.of(CALLS, operation, outcome.tagValue()))) {
            this.registries.forEach((registry) -> registerCalls(registry, operation, outcome));
        }
    }

    private void registerCalls(MeterRegistry registry, String operation, DbRetryOutcome outcome) {
        FunctionCounter.builder(CALLS, this.statistics, figure(operation, (stats) -> stats.calls(outcome)))
                .description("Calls made through @DbRetry or DbRetryTemplate")
                .tag("method", operation)
                .tag("outcome", outcome.tagValue())
                .register(registry);
    }

    private void registerLockErrors(MeterRegistry registry, String operation, String code) {
        FunctionCounter.builder(LOCK_ERRORS, this.statistics, figure(operation, (stats) -> stats.lockErrors(code)))
                .description("Attempts that failed with a database lock error")
                .tag("method", operation)
                .tag("code", code)
                .register(registry);
    }

    private static ToDoubleFunction<LockStatistics> figure(String operation, ToLongFunction<DbRetryStats> figure) {
        return (statistics) -> {
            DbRetryStats stats = statistics.operation(operation);
            return (stats != null) ? figure.applyAsLong(stats) : 0;
        };
    }
}
