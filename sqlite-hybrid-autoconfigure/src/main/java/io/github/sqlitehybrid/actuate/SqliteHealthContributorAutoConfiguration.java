package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link SqliteHealthIndicator}, contributed as {@code sqlite}; switched off
 * with {@code management.health.sqlite.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SqlitePragmaAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBean(SqliteDatabaseInspector.class)
@ConditionalOnEnabledHealthIndicator("sqlite")
public final class SqliteHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sqliteHealthIndicator")
    SqliteHealthIndicator sqliteHealthIndicator(SqliteDatabaseInspector inspector) {
        return new SqliteHealthIndicator(inspector);
    }
}
