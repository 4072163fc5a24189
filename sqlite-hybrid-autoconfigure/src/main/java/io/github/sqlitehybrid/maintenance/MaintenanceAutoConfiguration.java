package io.github.sqlitehybrid.maintenance;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.SqliteDatabasePaths;
import io.github.sqlitehybrid.pragma.PragmaProperties;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration of {@link SqliteMaintenance}: WAL checkpoints and {@code PRAGMA optimize} for the application's
 * SQLite database file. Off unless {@code sqlite.hybrid.maintenance.enabled=true}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
        after = {
            DataSourceAutoConfiguration.class,
            SqlitePragmaAutoConfiguration.class,
            SingleWriterAutoConfiguration.class
        })
@ConditionalOnClass({SQLiteConnection.class, DataSource.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.maintenance.enabled")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(MaintenanceProperties.class)
public final class MaintenanceAutoConfiguration {

    /** The WAL's limit when neither it nor {@code journal_size_limit} is set. */
    private static final DataSize DEFAULT_WAL_LIMIT = DataSize.ofMegabytes(64);

    @Bean
    @ConditionalOnMissingBean
    SqliteMaintenance sqliteMaintenance(
            DataSource dataSource, MaintenanceProperties properties, ObjectProvider<PragmaProperties> pragmas) {
        return new SqliteMaintenance(
                SqliteDatabasePaths.requireWritableFile(
                        dataSource, "sqlite.hybrid.maintenance.enabled", "it has no WAL to checkpoint"),
                properties,
                walLimit(properties, pragmas.getIfAvailable()).toBytes(),
                SqliteSingleWriterDataSource.writeTurnOf(dataSource));
    }

    static DataSize walLimit(MaintenanceProperties properties, @Nullable PragmaProperties pragmas) {
        if (properties.getWalLimit() != null) {
            return properties.getWalLimit();
        }
        DataSize journalSizeLimit = (pragmas != null) ? pragmas.getJournalSizeLimit() : null;
        return (journalSizeLimit != null && journalSizeLimit.toBytes() > 0) ? journalSizeLimit : DEFAULT_WAL_LIMIT;
    }
}
