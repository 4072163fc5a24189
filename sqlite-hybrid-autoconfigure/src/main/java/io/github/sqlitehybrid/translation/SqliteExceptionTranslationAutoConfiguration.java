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
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.sqlite.SQLiteException;

/**
 * Auto-configuration of exception translation for SQLite: the application's SQLite DataSource hands out
 * connections whose errors carry JDBC 4 types and SQLStates ({@link TranslatingDataSource}), and Hibernate's JPA
 * dialect translates them as {@code JdbcTemplate} does ({@link SqliteExceptionTranslator}). On by default;
 * {@code sqlite.hybrid.exception-translation.enabled=false} turns it off.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class})
@ConditionalOnClass({SQLiteException.class, DataSource.class, SQLExceptionTranslator.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.exception-translation.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ExceptionTranslationProperties.class)
public final class SqliteExceptionTranslationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static SqliteExceptionTranslationPostProcessor sqliteExceptionTranslationPostProcessor() {
        return new SqliteExceptionTranslationPostProcessor();
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
