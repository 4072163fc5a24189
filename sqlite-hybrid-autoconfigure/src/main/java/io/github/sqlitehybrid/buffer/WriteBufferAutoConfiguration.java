package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration for the {@link WriteBuffer}: present with a single DataSource, switched off with
 * {@code sqlite.hybrid.write-buffer.enabled=false}. The buffer checks that the DataSource is SQLite or PostgreSQL when it
 * starts and refuses every write with a clear message when it is not.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, DbRetryAutoConfiguration.class, SqlitePragmaAutoConfiguration.class
        })
@ConditionalOnClass({SQLiteConnection.class, DataSource.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.write-buffer.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(DbRetryTemplate.class)
@EnableConfigurationProperties(WriteBufferProperties.class)
public final class WriteBufferAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WriteBuffer writeBuffer(DataSource dataSource, WriteBufferProperties properties, DbRetryTemplate retryTemplate) {
        return new WriteBuffer(dataSource, properties, retryTemplate);
    }
}
