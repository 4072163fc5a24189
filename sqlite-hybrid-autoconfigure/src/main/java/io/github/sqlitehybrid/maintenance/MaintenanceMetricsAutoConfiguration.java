package io.github.sqlitehybrid.maintenance;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link MaintenanceMetrics}, when the application has a Micrometer {@link MeterRegistry}
 * and maintenance is on.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = MaintenanceAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, SqliteMaintenance.class})
public final class MaintenanceMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MaintenanceMetrics maintenanceMetrics(SqliteMaintenance maintenance) {
        return new MaintenanceMetrics(maintenance);
    }
}
