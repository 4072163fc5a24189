package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.writer.GroupCommitAutoConfiguration;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Auto-configuration for the {@link DbLocksEndpoint dblocks endpoint}, present when it is enabled and
 * exposed. Each part of the starter the application has adds its section.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {
            DbRetryAutoConfiguration.class,
            SqlitePragmaAutoConfiguration.class,
            SingleWriterAutoConfiguration.class,
            GroupCommitAutoConfiguration.class,
            WriteBufferAutoConfiguration.class,
            LogDatabaseAutoConfiguration.class
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
            ObjectProvider<DataSource> dataSource,
            ObjectProvider<GroupCommitWriter> groupCommitWriter,
            ObjectProvider<WriteBuffer> writeBuffer,
            ObjectProvider<LogDatabase> logDatabase) {
        return new DbLocksEndpoint(
                statistics,
                inspector.getIfAvailable(),
                SqliteSingleWriterDataSource.writeTurnOf(dataSource.getIfUnique()),
                groupCommitWriter.getIfAvailable(),
                writeBuffer.getIfAvailable(),
                logDatabase.getIfAvailable());
    }

    /** Answers malformed writes to the endpoint with 400 and a message, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(HandlerExceptionResolver.class)
    static class BadRequestConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DbLocksBadRequestResolver dbLocksBadRequestResolver(ObjectProvider<PathMappedEndpoints> endpoints) {
            return new DbLocksBadRequestResolver(() -> {
                PathMappedEndpoints mapped = endpoints.getIfAvailable();
                return (mapped != null) ? mapped.getPath(EndpointId.of("dblocks")) : null;
            });
        }
    }
}
