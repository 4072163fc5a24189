package io.github.sqlitehybrid.writer;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import io.micrometer.core.instrument.binder.MeterBinder;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration of the single writer: write transactions on the application's SQLite pool serialized
 * inside the JVM and begun with {@code BEGIN IMMEDIATE}, read-only transactions on a pool of their own.
 * On by default; {@code sqlite.hybrid.writer.enabled=false} turns it off.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class})
@ConditionalOnClass({SQLiteConnection.class, HikariDataSource.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.writer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WriterProperties.class)
public final class SingleWriterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static SingleWriterDataSourcePostProcessor singleWriterDataSourcePostProcessor(
            ObjectProvider<SqlitePragmas> pragmas, Environment environment) {
        return new SingleWriterDataSourcePostProcessor(pragmas, environment);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class WriteTurnMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        WriteTurnMetrics writeTurnMetrics(ObjectProvider<DataSource> dataSources) {
            return new WriteTurnMetrics(dataSources);
        }
    }
}
