package io.github.sqlitehybrid.quartz;

import java.sql.DatabaseMetaData;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * Gives Quartz's JDBC job store the delegate and the lock handler that work on SQLite, beside the
 * {@code spring.quartz.properties} Boot has already handed over. A key the application set itself is kept.
 */
final class SqliteJobStoreCustomizer implements SchedulerFactoryBeanCustomizer {

    static final String DRIVER_DELEGATE_CLASS = StdSchedulerFactory.PROP_JOB_STORE_PREFIX + ".driverDelegateClass";

    static final String LOCK_HANDLER_CLASS = StdSchedulerFactory.PROP_JOB_STORE_LOCK_HANDLER_CLASS;

    private static final Log logger = LogFactory.getLog(SqliteJobStoreCustomizer.class);

    private final Supplier<Map<String, String>> applicationProperties;

    private final Supplier<DataSource> dataSource;

    /**
     * @param applicationProperties the {@code spring.quartz.properties} Boot set on the factory bean before
     * any customizer ran
     * @param dataSource the DataSource Quartz's job store uses
     */
    SqliteJobStoreCustomizer(Supplier<Map<String, String>> applicationProperties, Supplier<DataSource> dataSource) {
        this.applicationProperties = applicationProperties;
        this.dataSource = dataSource;
    }

    @Override
    public void customize(SchedulerFactoryBean schedulerFactoryBean) {
        if (!isSqlite(this.dataSource.get())) {
            return;
        }
        // The factory bean has no getter for its Quartz properties and its setter replaces them: hand it
        // Boot's set again, with ours added where the application has no value.
        Properties properties = new Properties();
        properties.putAll(this.applicationProperties.get());
        properties.putIfAbsent(DRIVER_DELEGATE_CLASS, SqliteQuartzDelegate.class.getName());
        properties.putIfAbsent(LOCK_HANDLER_CLASS, UpdateLockRowSemaphore.class.getName());
        schedulerFactoryBean.setQuartzProperties(properties);
    }

    // The rule Boot's schema initializer follows to pick tables_sqlite.sql, so the two always agree.
    private static boolean isSqlite(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
            return DatabaseDriver.fromProductName(JdbcUtils.commonDatabaseName(product)) == DatabaseDriver.SQLITE;
        } catch (MetaDataAccessException ex) {
            logger.warn("Could not read the database's product name (" + ex.getMessage() + "); Quartz's job"
                    + " store keeps its own driver delegate and lock handler");
            return false;
        }
    }
}
