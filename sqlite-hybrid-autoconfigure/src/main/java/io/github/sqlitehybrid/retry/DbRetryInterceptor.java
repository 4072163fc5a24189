package io.github.sqlitehybrid.retry;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs each call of a {@link DbRetry @DbRetry} method through the {@link DbRetryTemplate}, with the
 * settings the annotation gives over the defaults. Metrics name the method {@code SimpleClassName.method}, or
 * {@code InterfaceName.method} for a JDK proxy such as a Spring Data repository.
 */
final class DbRetryInterceptor implements MethodInterceptor {

    private final Supplier<DbRetryTemplate> template;

    private final Map<MethodClassKey, Target> targets = new ConcurrentHashMap<>();

    /**
     * Create a new interceptor.
     * @param template runs and retries each call; looked up on first use, so that the advisor, which is
     *     created early, does not pull the template's dependencies in with it
     */
    DbRetryInterceptor(Supplier<DbRetryTemplate> template) {
        this.template = SingletonSupplier.of(template);
    }

    @Override
    @SuppressWarnings("NullAway") // Attempt<@Nullable Object>: NullAway's standard mode reads no type arguments.
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = (invocation.getThis() != null)
                ? ClassUtils.getUserClass(invocation.getThis())
                : invocation.getMethod().getDeclaringClass();
        Target target = this.targets.computeIfAbsent(
                new MethodClassKey(invocation.getMethod(), targetClass),
                (key) -> resolve(invocation.getMethod(), targetClass));
        return this.template.get().invoke(target.operation(), target.settings(), () -> proceed(invocation));
    }

    /**
     * Run the rest of the chain once. A method invocation remembers how far along the chain it got, so each
     * attempt proceeds from a fresh copy: otherwise a retry would skip the advice inside this one, the
     * transaction included.
     */
    private static @Nullable Object proceed(MethodInvocation invocation) throws Throwable {
        if (invocation instanceof ProxyMethodInvocation proxyInvocation) {
            return proxyInvocation.invocableClone().proceed();
        }
        return invocation.proceed();
    }

    private Target resolve(Method method, Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        DbRetry annotation = AnnotatedElementUtils.findMergedAnnotation(specific, DbRetry.class);
        if (annotation == null) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, DbRetry.class);
        }
        String operation = operationName(method, targetClass);
        if (annotation == null) {
            return new Target(operation, this.template.get().getDefaults());
        }
        try {
            return new Target(operation, this.template.get().getDefaults().overriddenBy(annotation));
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(
                    "Invalid @DbRetry on " + targetClass.getName() + "." + method.getName() + ": " + ex.getMessage(),
                    ex);
        }
    }

    /**
     * {@code SimpleClassName.method}; for a JDK proxy (a Spring Data repository, whose class is {@code $Proxy164},
     * a name that changes at every start) the application's interface that declares or inherits the method.
     */
    static String operationName(Method method, Class<?> targetClass) {
        if (!Proxy.isProxyClass(targetClass)) {
            return targetClass.getSimpleName() + "." + method.getName();
        }
        Class<?> declaring = method.getDeclaringClass();
        for (Class<?> candidate : targetClass.getInterfaces()) {
            if (declaring.isAssignableFrom(candidate) && !candidate.getName().startsWith("org.springframework.")) {
                return candidate.getSimpleName() + "." + method.getName();
            }
        }
        return declaring.getSimpleName() + "." + method.getName();
    }

    private record Target(String operation, DbRetrySettings settings) {}
}
