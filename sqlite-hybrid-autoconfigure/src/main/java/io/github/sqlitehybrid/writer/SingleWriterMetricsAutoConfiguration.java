package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of the single writer's write turns ({@link WriteTurnMetrics}), when the
 * application has a Micrometer {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = SingleWriterAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, SingleWriterDataSourcePostProcessor.class})
public final class SingleWriterMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WriteTurnMetrics writeTurnMetrics(ObjectProvider<DataSource> dataSources) {
        return new WriteTurnMetrics(dataSources);
    }
}
