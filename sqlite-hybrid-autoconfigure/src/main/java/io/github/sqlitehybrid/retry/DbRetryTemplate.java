package io.github.sqlitehybrid.retry;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs work and retries it, whole, when it fails with a database lock error: what {@link DbRetry @DbRetry}
 * does, for lambdas and for calls a proxy cannot reach (a method calling another of its own class).
 *
 * <pre>{@code
 * Job job = dbRetry.execute("claimJob", () -> transactionTemplate.execute((status) -> claim(workerId)));
 * }</pre>
 *
 * <p>The work should start its own transaction, as above, so that each attempt is a new transaction.
 * Called while a transaction is already active, the work runs once and a lock error goes straight up:
 * that transaction is already doomed, and only its outermost boundary can retry it.
 *
 * <p>Retries use Spring's {@link RetryTemplate} with an exponential backoff. Settings, classification
 * and statistics are shared with {@code @DbRetry}.
 *
 * @since 0.1.0
 */
public final class DbRetryTemplate {

    /** Operation name of calls that give none. */
    public static final String DEFAULT_OPERATION = "DbRetryTemplate.execute";

    private static final Log logger = LogFactory.getLog(DbRetryTemplate.class);

    private final LockErrorClassifier classifier;

    private final DbRetrySettings defaults;

    private final List<DbRetryListener> listeners;

    private final Map<DbRetrySettings, RetryTemplate> retryTemplates = new ConcurrentHashMap<>();

    private final Set<String> warnedInsideTransaction = ConcurrentHashMap.newKeySet();

    /**
     * Create a new template.
     * @param classifier decides which failures are lock errors
     * @param defaults settings of calls that give none
     * @param listeners told of lock errors, retries and outcomes
     */
    public DbRetryTemplate(
            LockErrorClassifier classifier, DbRetrySettings defaults, List<? extends DbRetryListener> listeners) {
        this.classifier = classifier;
        this.defaults = defaults;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Settings of calls that give none, from {@code sqlite.hybrid.retry.*}.
     * @return the default settings
     */
    public DbRetrySettings getDefaults() {
        return this.defaults;
    }

    /**
     * The classifier that decides which failures are retried.
     * @return the classifier
     */
    public LockErrorClassifier getClassifier() {
        return this.classifier;
    }

    /**
     * Run the action, retrying it on lock errors with the default settings.
     * @param action the work, which should start its own transaction
     * @param <T> the result type
     * @return the action's result
     */
    public <T> T execute(Supplier<T> action) {
        return execute(DEFAULT_OPERATION, this.defaults, action);
    }

    /**
     * Run the action, retrying it on lock errors with the default settings.
     * @param operation name for metrics and logs; keep the number of names small
     * @param action the work, which should start its own transaction
     * @param <T> the result type
     * @return the action's result
     */
    public <T> T execute(String operation, Supplier<T> action) {
        return execute(operation, this.defaults, action);
    }

    /**
     * Run the action, retrying it on lock errors with the given settings.
     * @param operation name for metrics and logs; keep the number of names small
     * @param settings attempts and backoff
     * @param action the work, which should start its own transaction
     * @param <T> the result type
     * @return the action's result
     */
    public <T> T execute(String operation, DbRetrySettings settings, Supplier<T> action) {
        try {
            return invoke(operation, settings, action::get);
        } catch (RuntimeException | Error ex) {
            throw ex;
        } catch (Throwable ex) {
            // A Supplier cannot throw a checked exception; kept for the compiler.
            throw new UndeclaredThrowableException(ex);
        }
    }

    /**
     * Run the action, retrying it on lock errors with the default settings.
     * @param operation name for metrics and logs; keep the number of names small
     * @param action the work, which should start its own transaction
     */
    public void run(String operation, Runnable action) {
        execute(operation, this.defaults, () -> {
            action.run();
            return null;
        });
    }

    /**
     * Run the action, retrying it on lock errors with the default settings.
     * @param action the work, which should start its own transaction
     */
    public void run(Runnable action) {
        run(DEFAULT_OPERATION, action);
    }

    /**
     * Run an attempt that may throw anything; what the {@code @DbRetry} advice calls.
     */
    <T> T invoke(String operation, DbRetrySettings settings, Attempt<T> attempt) throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return invokeOnceInsideTransaction(operation, attempt);
        }
        RetryTemplate retryTemplate = this.retryTemplates.computeIfAbsent(
                settings, (key) -> new RetryTemplate(key.toRetryPolicy(this.classifier::isLockError)));
        Call<T> call = new Call<>(operation, attempt);
        try {
            T result = retryTemplate.execute(call::attempt);
            complete(
                    operation,
                    (call.attempts == 1) ? DbRetryOutcome.SUCCESS_WITHOUT_RETRY : DbRetryOutcome.SUCCESS_WITH_RETRY,
                    call.attempts,
                    null);
            return result;
        } catch (RetryException ex) {
            // The caller gets the last failure as it was thrown, never Spring's wrapper.
            Throwable failure = (call.lastFailure != null) ? call.lastFailure : ex;
            complete(
                    operation,
                    (call.attempts > 1) ? DbRetryOutcome.FAILED_WITH_RETRY : DbRetryOutcome.FAILED_WITHOUT_RETRY,
                    call.attempts,
                    this.classifier.lockErrorCode(failure));
            throw failure;
        }
    }

    private <T> T invokeOnceInsideTransaction(String operation, Attempt<T> attempt) throws Throwable {
        try {
            T result = attempt.call();
            complete(operation, DbRetryOutcome.SUCCESS_WITHOUT_RETRY, 1, null);
            return result;
        } catch (Throwable ex) {
            String code = this.classifier.lockErrorCode(ex);
            if (code != null) {
                lockError(operation, code);
                if (this.warnedInsideTransaction.add(operation)) {
                    logger.warn(operation + " met a lock error (" + code + ") inside a transaction that was already"
                            + " active, so it was not retried there: that transaction is doomed. Let the error reach"
                            + " the outermost transaction boundary and retry there (@DbRetry on the method that"
                            + " starts the transaction). Logged once for " + operation + ".");
                }
            }
            complete(operation, DbRetryOutcome.FAILED_WITHOUT_RETRY, 1, code);
            throw ex;
        }
    }

    private void lockError(String operation, String code) {
        for (DbRetryListener listener : this.listeners) {
            listener.onLockError(operation, code);
        }
    }

    private void complete(String operation, DbRetryOutcome outcome, int attempts, @Nullable String lockErrorCode) {
        for (DbRetryListener listener : this.listeners) {
            listener.onCallComplete(operation, outcome, attempts, lockErrorCode);
        }
    }

    /** One attempt of a call; unlike {@link Supplier}, it may throw anything. */
    @FunctionalInterface
    interface Attempt<T> {

        T call() throws Throwable;
    }

    /** The state of one call across its attempts. */
    private final class Call<T> {

        private final String operation;

        private final Attempt<T> attempt;

        private int attempts;

        private long lastFailureNanos;

        private @Nullable Throwable lastFailure;

        Call(String operation, Attempt<T> attempt) {
            this.operation = operation;
            this.attempt = attempt;
        }

        T attempt() throws Throwable {
            if (this.attempts > 0) {
                Duration waited = Duration.ofNanos(System.nanoTime() - this.lastFailureNanos);
                for (DbRetryListener listener : DbRetryTemplate.this.listeners) {
                    listener.onRetry(this.operation, waited);
                }
            }
            this.attempts++;
            try {
                return this.attempt.call();
            } catch (Throwable ex) {
                this.lastFailureNanos = System.nanoTime();
                this.lastFailure = ex;
                String code = DbRetryTemplate.this.classifier.lockErrorCode(ex);
                if (code != null) {
                    lockError(this.operation, code);
                }
                throw ex;
            }
        }
    }
}
