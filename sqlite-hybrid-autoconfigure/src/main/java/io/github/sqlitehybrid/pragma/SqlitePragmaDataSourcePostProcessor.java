package io.github.sqlitehybrid.pragma;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.sqlitehybrid.SqliteDatabasePaths;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.sqlite.SQLiteDataSource;

/**
 * Makes every physical connection of each SQLite {@link DataSource} bean run the configured PRAGMAs,
 * whoever created the DataSource.
 *
 * <ul>
 *   <li>A HikariCP pool (Boot's default) with a {@code jdbc:sqlite:} URL keeps its type and settings;
 *       its connections are created through a {@link PragmaApplyingDataSource}, driver properties
 *       included.
 *   <li>A HikariCP pool over a {@link SQLiteDataSource} gets that DataSource wrapped.
 *   <li>A {@link SQLiteDataSource} bean, which opens a new connection on each call, is wrapped.
 *   <li>Any other DataSource, SQLite or not, is left alone.
 * </ul>
 *
 * <p>Before a SQLite DataSource is used, its database file is checked to be writable where its URL puts it
 * ({@link SqliteDatabasePaths#checkWritable}), so that startup fails with a report naming the path.
 *
 * @since 0.1.0
 */
public final class SqlitePragmaDataSourcePostProcessor implements BeanPostProcessor, Ordered {

    /** Late, but before the single writer's post-processor. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private static final Log logger = LogFactory.getLog(SqlitePragmaDataSourcePostProcessor.class);

    private static final boolean HIKARI_PRESENT = ClassUtils.isPresent(
            "com.zaxxer.hikari.HikariDataSource", SqlitePragmaDataSourcePostProcessor.class.getClassLoader());

    private final ObjectProvider<SqlitePragmas> pragmas;

    /**
     * Create a new post-processor.
     * @param pragmas the PRAGMAs, resolved when the first SQLite DataSource appears
     */
    public SqlitePragmaDataSourcePostProcessor(ObjectProvider<SqlitePragmas> pragmas) {
        this.pragmas = pragmas;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof PragmaApplyingDataSource || !(bean instanceof DataSource dataSource)) {
            return bean;
        }
        if (HIKARI_PRESENT) {
            DataSource configured = HikariConfigurer.configure(dataSource, this.pragmas, beanName);
            if (configured != null) {
                return configured;
            }
        }
        if (dataSource instanceof SQLiteDataSource sqlite) {
            SqliteDatabasePaths.checkWritable(sqlite.getUrl(), setting(beanName));
            logger.debug("Applying PRAGMAs to the connections of SQLiteDataSource '" + beanName + "'");
            return new PragmaApplyingDataSource(dataSource, this.pragmas.getObject());
        }
        return bean;
    }

    /** Where a DataSource's URL is configured, for messages. */
    static String setting(String beanName) {
        return "dataSource".equals(beanName) ? "spring.datasource.url" : "the URL of DataSource '" + beanName + "'";
    }

    /**
     * Runs after Boot has bound {@code spring.datasource.*} so a pool's URL and driver properties are known,
     * and before the single writer wraps the pool.
     */
    @Override
    public int getOrder() {
        return ORDER;
    }

    /** Keeps HikariCP types out of the outer class so the post-processor loads without HikariCP. */
    private static final class HikariConfigurer {

        /**
         * Configure a HikariCP pool.
         * @return the bean to expose, or {@code null} when the DataSource is not a HikariCP pool
         */
        static @Nullable DataSource configure(
                DataSource dataSource, ObjectProvider<SqlitePragmas> pragmas, String beanName) {
            if (!(dataSource instanceof HikariDataSource hikari)) {
                return null;
            }
            DataSource inner = hikari.getDataSource();
            boolean sqlite = (inner == null)
                    ? SqliteDatabasePaths.isSqliteUrl(hikari.getJdbcUrl())
                    : inner instanceof SQLiteDataSource;
            if (!sqlite) {
                return hikari;
            }
            // Fail now, naming the path, rather than at the first connection with SQLite's pathless message.
            SqliteDatabasePaths.checkWritable(
                    (inner instanceof SQLiteDataSource sqliteInner) ? sqliteInner.getUrl() : hikari.getJdbcUrl(),
                    setting(beanName));
            if (hikari.isRunning()) {
                // Started by its creator: its connections can now only be configured from outside the pool.
                logger.debug("HikariCP pool '" + beanName + "' already running; wrapping it to apply PRAGMAs");
                return new PragmaApplyingDataSource(hikari, pragmas.getObject());
            }
            DataSource target = (inner != null)
                    ? inner
                    : new DriverDataSource(
                            hikari.getJdbcUrl(),
                            hikari.getDriverClassName(),
                            hikari.getDataSourceProperties(),
                            hikari.getUsername(),
                            hikari.getPassword());
            hikari.setDataSource(new PragmaApplyingDataSource(target, pragmas.getObject()));
            logger.debug("Applying PRAGMAs to the connections of HikariCP pool '" + beanName + "'");
            return hikari;
        }
    }
}
