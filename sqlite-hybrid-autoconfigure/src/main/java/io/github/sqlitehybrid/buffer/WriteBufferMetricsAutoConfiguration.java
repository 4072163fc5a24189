package io.github.sqlitehybrid.buffer;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of the {@link WriteBuffer} ({@link WriteBufferMetrics}), when the application
 * has one (the starter's or its own) and a Micrometer {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = WriteBufferAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, WriteBuffer.class})
public final class WriteBufferMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WriteBufferMetrics writeBufferMetrics(WriteBuffer writeBuffer) {
        return new WriteBufferMetrics(writeBuffer);
    }
}
