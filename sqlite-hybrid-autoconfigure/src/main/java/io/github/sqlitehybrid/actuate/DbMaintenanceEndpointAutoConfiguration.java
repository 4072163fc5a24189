package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.maintenance.MaintenanceAutoConfiguration;
import io.github.sqlitehybrid.maintenance.SqliteMaintenance;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link DbMaintenanceEndpoint dbmaintenance endpoint}, present when maintenance is on and the
 * endpoint is enabled and exposed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MaintenanceAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBean(SqliteMaintenance.class)
@ConditionalOnAvailableEndpoint(DbMaintenanceEndpoint.class)
public final class DbMaintenanceEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DbMaintenanceEndpoint dbMaintenanceEndpoint(SqliteMaintenance maintenance) {
        return new DbMaintenanceEndpoint(maintenance);
    }
}
