package io.github.sqlitehybrid.retry;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of calls retried on lock errors ({@link DbRetryMetrics}), when the
 * application has a Micrometer {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = DbRetryAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, LockStatistics.class})
public final class DbRetryMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DbRetryMetrics dbRetryMetrics(LockStatistics lockStatistics) {
        return new DbRetryMetrics(lockStatistics);
    }
}
