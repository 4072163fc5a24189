package io.github.sqlitehybrid.logdb;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of the {@link LogDatabase} ({@link LogDatabaseMetrics}), when it is enabled and
 * the application has a Micrometer {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = LogDatabaseAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, LogDatabase.class})
public final class LogDatabaseMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LogDatabaseMetrics logDatabaseMetrics(LogDatabase logDatabase) {
        return new LogDatabaseMetrics(logDatabase);
    }
}
