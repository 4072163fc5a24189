package io.github.sqlitehybrid.retry;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Retries the annotated method, or every public method of the annotated type, when it fails with a
 * database lock error, and only then.
 *
 * <p>A lock error is recognised by its code ({@code SQLITE_BUSY}, {@code SQLITE_LOCKED} and their extended
 * codes such as {@code SQLITE_BUSY_SNAPSHOT}), anywhere in the cause chain. Any other exception reaches
 * the caller at once, unchanged, after exactly one invocation; when attempts run out the last lock error
 * is rethrown as it was.
 *
 * <p>The advice runs outside {@code @Transactional}, so each attempt is a fresh transaction. A method
 * entered while a transaction is already active is not retried: its transaction is already doomed, so the
 * error goes up to the outermost boundary, which can retry the whole unit.
 *
 * <p>Attributes left at their defaults take {@code sqlite.hybrid.retry.*}. For lambdas and self-invocation,
 * which a proxy cannot reach, use {@link DbRetryTemplate}.
 *
 *
 * @since 0.1.0
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
// AOT keeps annotated methods reflectively reachable in a native image, where the pointcut looks for them.
@Reflective
public @interface DbRetry {

    /**
     * Total number of invocations, the first included; {@code -1} takes
     * {@code sqlite.hybrid.retry.max-attempts}.
     * @return the maximum number of attempts
     */
    int maxAttempts() default -1;

    /**
     * Wait before the first retry, as a duration string such as {@code 50ms}; empty takes
     * {@code sqlite.hybrid.retry.initial-delay}.
     * @return the initial delay
     */
    String initialDelay() default "";

    /**
     * Longest wait between two attempts, such as {@code 1s}; empty takes {@code sqlite.hybrid.retry.max-delay}.
     * @return the maximum delay
     */
    String maxDelay() default "";

    /**
     * Factor applied to the wait after each retry; {@code -1} takes {@code sqlite.hybrid.retry.multiplier}.
     * @return the multiplier
     */
    double multiplier() default -1;

    /**
     * Whether waits are randomised so that threads that failed together do not retry together; empty
     * takes {@code sqlite.hybrid.retry.jitter}. Write {@code jitter = false} to turn it off.
     * @return one value, or none to inherit
     */
    boolean[] jitter() default {};
}
