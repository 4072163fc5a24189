package io.github.sqlitehybrid.translation;

import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.sqlite.SQLiteException;

/**
 * Auto-configuration of translation for SQLite: the application's SQLite DataSource hands out connections whose
 * errors carry JDBC 4 types and SQLStates and whose dates are stored and read in one format
 * ({@link TranslatingDataSource}), and Hibernate's JPA dialect translates errors as {@code JdbcTemplate} does
 * ({@link SqliteExceptionTranslator}). On by default; {@code sqlite.hybrid.translation.enabled=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class})
@ConditionalOnClass({SQLiteException.class, DataSource.class, SQLExceptionTranslator.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.translation.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TranslationProperties.class)
public final class SqliteTranslationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static TranslatingDataSourcePostProcessor translatingDataSourcePostProcessor(Environment environment) {
        return new TranslatingDataSourcePostProcessor(environment);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(value = HibernateJpaVendorAdapter.class, name = "org.hibernate.Session")
    static class HibernateJpaConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static HibernateJpaDialectPostProcessor sqliteHibernateJpaDialectPostProcessor() {
            return new HibernateJpaDialectPostProcessor();
        }
    }
}
