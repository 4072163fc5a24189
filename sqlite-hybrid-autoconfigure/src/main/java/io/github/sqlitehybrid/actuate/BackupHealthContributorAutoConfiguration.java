package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.backup.BackupAutoConfiguration;
import io.github.sqlitehybrid.backup.BackupProperties;
import io.github.sqlitehybrid.backup.SqliteBackups;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link BackupHealthIndicator}, contributed as {@code sqliteBackups} when backups are
 * on; switched off with {@code management.health.sqlite-backups.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBean(SqliteBackups.class)
@ConditionalOnEnabledHealthIndicator("sqlite-backups")
public final class BackupHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sqliteBackupsHealthIndicator")
    BackupHealthIndicator sqliteBackupsHealthIndicator(SqliteBackups backups, BackupProperties properties) {
        return new BackupHealthIndicator(backups, properties);
    }
}
