package io.github.sqlitehybrid.pragma;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration that applies {@code sqlite.hybrid.pragmas.*} to every physical connection of the
 * application's SQLite DataSource, and reads them back for the health indicator and the endpoint.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass({SQLiteConnection.class, DataSource.class})
@ConditionalOnSqliteHybridEnabled
@EnableConfigurationProperties(PragmaProperties.class)
public final class SqlitePragmaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SqlitePragmas sqlitePragmas(PragmaProperties properties) {
        return SqlitePragmas.from(properties);
    }

    @Bean
    @ConditionalOnMissingBean
    static SqlitePragmaDataSourcePostProcessor sqlitePragmaDataSourcePostProcessor(
            ObjectProvider<SqlitePragmas> pragmas) {
        return new SqlitePragmaDataSourcePostProcessor(pragmas);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DataSource.class)
    SqliteDatabaseInspector sqliteDatabaseInspector(DataSource dataSource, SqlitePragmas pragmas) {
        return new SqliteDatabaseInspector(dataSource, pragmas);
    }
}
