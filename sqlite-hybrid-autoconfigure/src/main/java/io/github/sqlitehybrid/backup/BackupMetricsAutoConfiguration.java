package io.github.sqlitehybrid.backup;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link BackupMetrics}, when the application has a Micrometer {@link MeterRegistry}
 * and backups are on.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = BackupAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, SqliteBackups.class})
public final class BackupMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BackupMetrics backupMetrics(SqliteBackups backups) {
        return new BackupMetrics(backups);
    }
}
