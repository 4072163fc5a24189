package io.github.sqlitehybrid.retry;

import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Applies {@link DbRetryInterceptor} to methods annotated {@link DbRetry @DbRetry} and to the methods of
 * annotated types. An advisor rather than an {@code @Aspect}, so no AspectJ weaver is needed at runtime.
 *
 * <p>Its order puts it outside the transaction advice, so every attempt is a new transaction.
 *
 * @since 0.1.0
 */
public final class DbRetryAdvisor extends AbstractPointcutAdvisor {

    private final transient DbRetryInterceptor interceptor;

    private final transient Pointcut pointcut;

    /**
     * Create a new advisor.
     * @param interceptor the advice
     * @param order the advisor's order; lower than the transaction advisor's so it runs outside it
     */
    public DbRetryAdvisor(DbRetryInterceptor interceptor, int order) {
        this.interceptor = interceptor;
        this.pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(DbRetry.class, true))
                .union(new AnnotationMatchingPointcut(null, DbRetry.class, true));
        setOrder(order);
    }

    @Override
    public Pointcut getPointcut() {
        return this.pointcut;
    }

    @Override
    public Advice getAdvice() {
        return this.interceptor;
    }
}
