package io.github.sqlitehybrid.writer;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of the {@link GroupCommitWriter} ({@link GroupCommitMetrics}), when the
 * application has one and a Micrometer {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = GroupCommitAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, GroupCommitWriter.class})
public final class GroupCommitMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    GroupCommitMetrics groupCommitMetrics(GroupCommitWriter groupCommitWriter) {
        return new GroupCommitMetrics(groupCommitWriter);
    }
}
