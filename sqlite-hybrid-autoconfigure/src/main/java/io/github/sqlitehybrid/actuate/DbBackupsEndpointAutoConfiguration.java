package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.backup.BackupAutoConfiguration;
import io.github.sqlitehybrid.backup.SqliteBackups;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link DbBackupsEndpoint dbbackups endpoint}, present when backups are on and the
 * endpoint is enabled and exposed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = BackupAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBean(SqliteBackups.class)
@ConditionalOnAvailableEndpoint(DbBackupsEndpoint.class)
public final class DbBackupsEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DbBackupsEndpoint dbBackupsEndpoint(SqliteBackups backups) {
        return new DbBackupsEndpoint(backups);
    }
}
