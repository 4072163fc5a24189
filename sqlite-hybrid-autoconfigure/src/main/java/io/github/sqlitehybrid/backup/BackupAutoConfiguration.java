package io.github.sqlitehybrid.backup;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration of {@link SqliteBackups}: online backups of the application's SQLite database. Off unless
 * {@code sqlite.hybrid.backup.enabled=true}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, SingleWriterAutoConfiguration.class})
@ConditionalOnClass({SQLiteConnection.class, DataSource.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.backup.enabled")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(BackupProperties.class)
public final class BackupAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SqliteBackups sqliteBackups(DataSource dataSource, BackupProperties properties) {
        return new SqliteBackups(dataSource, properties);
    }
}
