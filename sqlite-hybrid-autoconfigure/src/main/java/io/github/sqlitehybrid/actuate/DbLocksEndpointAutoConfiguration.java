package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.LockStatistics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link DbLocksEndpoint dblocks endpoint}, present when it is enabled and
 * exposed.
 */
@AutoConfiguration(
        after = {DbRetryAutoConfiguration.class, SqlitePragmaAutoConfiguration.class, WriteBufferAutoConfiguration.class
        })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnSqliteHybridEnabled
@ConditionalOnAvailableEndpoint(DbLocksEndpoint.class)
public final class DbLocksEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(LockStatistics.class)
    DbLocksEndpoint dbLocksEndpoint(
            LockStatistics statistics,
            ObjectProvider<SqliteDatabaseInspector> inspector,
            ObjectProvider<WriteBuffer> writeBuffer) {
        return new DbLocksEndpoint(statistics, inspector.getIfAvailable(), writeBuffer.getIfAvailable());
    }
}
