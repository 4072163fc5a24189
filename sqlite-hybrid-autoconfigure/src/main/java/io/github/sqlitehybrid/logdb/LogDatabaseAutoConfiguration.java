package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration for the {@link LogDatabase}: application logs written to their own SQLite file. Off
 * unless {@code sqlite.hybrid.log-database.enabled=true}; needs Logback and sqlite-jdbc.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass({LoggerContext.class, SQLiteConnection.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.log-database.enabled")
@EnableConfigurationProperties(LogDatabaseProperties.class)
public final class LogDatabaseAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LogDatabase logDatabase(LogDatabaseProperties properties) {
        return new LogDatabase(properties);
    }
}
