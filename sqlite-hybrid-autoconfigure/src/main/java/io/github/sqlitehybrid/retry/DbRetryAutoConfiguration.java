package io.github.sqlitehybrid.retry;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.sqlite.SQLiteException;

/**
 * Auto-configuration for {@link DbRetry @DbRetry} and {@link DbRetryTemplate}: lock errors recognised by
 * code by the classifier that serves the application's database ({@link DataSourceLockErrorClassifier}),
 * whole calls retried with Spring's {@code RetryTemplate}, and what happened kept in {@link LockStatistics}
 * and, with Micrometer, in {@link DbRetryMetrics} ({@link DbRetryMetricsAutoConfiguration}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = TransactionAutoConfiguration.class)
@ConditionalOnClass(SQLiteException.class)
@ConditionalOnSqliteHybridEnabled
@EnableConfigurationProperties(DbRetryProperties.class)
@Import(DbRetryAutoConfiguration.AutoProxyCreatorRegistrar.class)
public final class DbRetryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockErrorClassifier lockErrorClassifier(ObjectProvider<DataSource> dataSource, ResourceLoader resourceLoader) {
        return new DataSourceLockErrorClassifier(
                dataSource.getIfUnique(), DataSourceLockErrorClassifier.registered(resourceLoader.getClassLoader()));
    }

    @Bean
    @ConditionalOnMissingBean
    LockStatistics lockStatistics() {
        return new LockStatistics();
    }

    @Bean
    @ConditionalOnMissingBean
    DbRetryTemplate dbRetryTemplate(
            LockErrorClassifier classifier, DbRetryProperties properties, ObjectProvider<DbRetryListener> listeners) {
        return new DbRetryTemplate(
                classifier, settings(properties), listeners.orderedStream().toList());
    }

    private static DbRetrySettings settings(DbRetryProperties properties) {
        try {
            return DbRetrySettings.from(properties);
        } catch (IllegalArgumentException ex) {
            // Each value was valid alone (the setters check that); only a combination can fail here.
            throw new InvalidSqliteHybridPropertyException(
                    "sqlite.hybrid.retry.max-delay",
                    properties.getMaxDelay(),
                    String.valueOf(ex.getMessage()),
                    List.of("a duration not shorter than sqlite.hybrid.retry.initial-delay"));
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static DbRetryAdvisor dbRetryAdvisor(ObjectProvider<DbRetryTemplate> template, Environment environment) {
        // Advisors are created while post-processors are still being set up: read the one property the advisor
        // needs from the Environment rather than pulling the properties bean in that early.
        int order = Binder.get(environment)
                .bind("sqlite.hybrid.retry.order", Integer.class)
                .orElse(DbRetryProperties.DEFAULT_ORDER);
        return new DbRetryAdvisor(new DbRetryInterceptor(template::getObject), order);
    }

    /**
     * Makes sure an auto-proxy creator exists, so that {@code @DbRetry} applies even where Boot's AOP
     * auto-configuration is switched off ({@code spring.aop.auto=false}).
     */
    static class AutoProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
