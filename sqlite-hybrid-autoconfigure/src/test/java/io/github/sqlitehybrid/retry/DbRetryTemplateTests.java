package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DbRetryTemplateTests {

    private static final DbRetrySettings FAST =
            new DbRetrySettings(4, Duration.ofMillis(5), Duration.ofMillis(20), 2.0, true);

    private final LockStatistics statistics = new LockStatistics();

    private final DbRetryTemplate template =
            new DbRetryTemplate(new SqliteLockErrorClassifier(), FAST, List.of(this.statistics));

    @Test
    void retriesOnLockErrorUntilTheCallSucceeds() {
        AtomicInteger invocations = new AtomicInteger();
        String result = this.template.execute("claim", () -> {
            if (invocations.incrementAndGet() < 3) {
                throw new UncategorizedSQLException("claim", "UPDATE", lockError(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(invocations).hasValue(3);
        DbRetryStats totals = this.statistics.totals();
        assertThat(totals.calls()).isEqualTo(1);
        assertThat(totals.lockErrors()).isEqualTo(2);
        assertThat(totals.retries()).isEqualTo(2);
        assertThat(totals.recoveries()).isEqualTo(1);
        assertThat(totals.failures()).isZero();
        assertThat(totals.maxWaitMs()).isGreaterThan(0.0);
        assertThat(totals.lockErrorCodes()).containsEntry("SQLITE_BUSY_SNAPSHOT", 2L);
        assertThat(totals.lastLockEvent().operation()).isEqualTo("claim");
        assertThat(totals.lockErrorsPerMinute()).isEqualTo(2 / 5.0);
    }

    @Test
    void letsAnyOtherFailureThroughAfterOneInvocation() {
        AtomicInteger invocations = new AtomicInteger();
        IllegalArgumentException failure = new IllegalArgumentException("bad input");
        assertThatThrownBy(() -> this.template.execute("validate", () -> {
                    invocations.incrementAndGet();
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(invocations).hasValue(1);
        assertThat(this.statistics.totals().outcomes()).containsEntry("failed_without_retry", 1L);
        assertThat(this.statistics.totals().failures()).isZero();
    }

    @Test
    void rethrowsTheLastLockErrorAsItWasWhenAttemptsRunOut() {
        AtomicInteger invocations = new AtomicInteger();
        AtomicReference<UncategorizedSQLException> last = new AtomicReference<>();
        Throwable thrown = catchThrowable(() -> this.template.execute("claim", () -> {
            invocations.incrementAndGet();
            last.set(new UncategorizedSQLException("claim", "UPDATE", lockError(SQLiteErrorCode.SQLITE_BUSY)));
            throw last.get();
        }));
        assertThat(thrown).isSameAs(last.get());
        assertThat(invocations).hasValue(4);
        DbRetryStats totals = this.statistics.totals();
        assertThat(totals.failures()).isEqualTo(1);
        assertThat(totals.failureRate()).isEqualTo(1.0);
        assertThat(totals.outcomes()).containsEntry("failed_with_retry", 1L);
        assertThat(totals.retries()).isEqualTo(3);
    }

    @Test
    void doesNotRetryInsideAnActiveTransaction() {
        AtomicInteger invocations = new AtomicInteger();
        SQLiteException failure = lockError(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);
        TransactionSynchronizationManager.setActualTransactionActive(true);
        try {
            assertThatThrownBy(() -> this.template.execute("inner", () -> {
                        invocations.incrementAndGet();
                        throw new IllegalStateException(failure);
                    }))
                    .hasCause(failure);
        } finally {
            TransactionSynchronizationManager.setActualTransactionActive(false);
        }
        assertThat(invocations).hasValue(1);
        assertThat(this.statistics.totals().outcomes()).containsEntry("failed_without_retry", 1L);
        assertThat(this.statistics.totals().failures()).isEqualTo(1);
    }

    @Test
    void appliesAnnotationAttributesOverTheDefaults() {
        DbRetry annotation = Annotated.class.getAnnotation(DbRetry.class);
        DbRetrySettings settings = FAST.overriddenBy(annotation);
        assertThat(settings).isEqualTo(new DbRetrySettings(7, Duration.ofMillis(1), Duration.ofMillis(20), 2.0, false));
    }

    @Test
    void refusesAnAnnotationDurationThatCannotBeParsed() {
        DbRetry annotation = BadlyAnnotated.class.getAnnotation(DbRetry.class);
        assertThatThrownBy(() -> FAST.overriddenBy(annotation))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialDelay")
                .hasMessageContaining("soon");
    }

    @Test
    void refusesSettingsOutOfRange() {
        assertThatThrownBy(() -> new DbRetrySettings(0, Duration.ZERO, Duration.ZERO, 2.0, true))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new DbRetrySettings(3, Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0, true))
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> new DbRetrySettings(3, Duration.ZERO, Duration.ZERO, 0.5, true))
                .hasMessageContaining("multiplier");
    }

    private static SQLiteException lockError(SQLiteErrorCode code) {
        return new SQLiteException("[" + code.name() + "]", code);
    }

    @DbRetry(maxAttempts = 7, initialDelay = "1ms", jitter = false)
    static class Annotated {}

    @DbRetry(initialDelay = "soon")
    static class BadlyAnnotated {}
}
