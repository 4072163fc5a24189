package io.github.sqlitehybrid.quartz;

import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzDataSource;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * Auto-configuration of Quartz's JDBC job store on SQLite: with {@code spring.quartz.job-store-type=jdbc}, the
 * scheduler gets {@link SqliteQuartzDelegate} as its driver delegate and Quartz's
 * {@code UpdateLockRowSemaphore} as its lock handler, unless {@code spring.quartz.properties} names others, and
 * provided the scheduler's DataSource reports itself as SQLite. The schema that
 * {@code spring.quartz.jdbc.initialize-schema=always} creates ships in this jar. On by default;
 * {@code sqlite.hybrid.quartz.enabled=false} turns it off.
 *
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, QuartzAutoConfiguration.class})
@ConditionalOnClass({Scheduler.class, SchedulerFactoryBean.class, SchedulerFactoryBeanCustomizer.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.quartz.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.quartz.job-store-type", havingValue = "jdbc")
// Where Boot's Quartz auto-configuration gives the scheduler a DataSource, and so a JDBC job store.
@ConditionalOnSingleCandidate(DataSource.class)
// Beside Boot's Quartz auto-configuration only: the customizer hands its properties back to the factory bean.
@ConditionalOnBean(QuartzProperties.class)
@EnableConfigurationProperties(SqliteQuartzProperties.class)
public final class SqliteQuartzAutoConfiguration {

    /** The name of the customizer's bean; a bean of that name declared by the application replaces it. */
    public static final String CUSTOMIZER_BEAN_NAME = "sqliteQuartzSchedulerFactoryBeanCustomizer";

    // Before the application's own customizers (unordered, so last), which can still replace what it sets.
    @Bean(CUSTOMIZER_BEAN_NAME)
    @ConditionalOnMissingBean(name = CUSTOMIZER_BEAN_NAME)
    @Order(0)
    SchedulerFactoryBeanCustomizer sqliteQuartzSchedulerFactoryBeanCustomizer(
            QuartzProperties properties,
            DataSource dataSource,
            @QuartzDataSource ObjectProvider<DataSource> quartzDataSource) {
        // The DataSource Boot gives the scheduler: its @QuartzDataSource if there is one.
        return new SqliteJobStoreCustomizer(
                properties::getProperties, () -> quartzDataSource.getIfAvailable(() -> dataSource));
    }
}
