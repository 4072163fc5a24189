package io.github.sqlitehybrid.retry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for calls retried on lock errors. Meters appear the first time their tags occur:
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
 */
public final class DbRetryMetrics implements MeterBinder, DbRetryListener {

    /** Counter of calls by method and outcome. */
    public static final String CALLS = "sqlite.hybrid.retry.calls";

    /** Counter of lock errors by method and code. */
    public static final String LOCK_ERRORS = "sqlite.hybrid.retry.lock.errors";

    /** Timer of backoff waits by method. */
    public static final String BACKOFF = "sqlite.hybrid.retry.backoff";

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registries.add(registry);
    }

    @Override
    public void onLockError(String operation, String code) {
        for (MeterRegistry registry : this.registries) {
            Counter.builder(LOCK_ERRORS)
                    .description("Attempts that failed with a database lock error")
                    .tag("method", operation)
                    .tag("code", code)
                    .register(registry)
                    .increment();
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
        for (MeterRegistry registry : this.registries) {
            Counter.builder(CALLS)
                    .description("Calls made through @DbRetry or DbRetryTemplate")
                    .tag("method", operation)
                    .tag("outcome", outcome.tagValue())
                    .register(registry)
                    .increment();
        }
    }
}
