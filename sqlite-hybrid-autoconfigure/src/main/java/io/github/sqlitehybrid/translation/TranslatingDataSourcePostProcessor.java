package io.github.sqlitehybrid.translation;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.sqlitehybrid.SqliteDatabasePaths;
import io.github.sqlitehybrid.pragma.PragmaApplyingDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;
import org.sqlite.SQLiteDataSource;

/**
 * Puts a {@link TranslatingDataSource} under each SQLite DataSource bean: under a HikariCP pool that is not yet
 * running, as the pool's own {@code dataSource}, so the pool's type, settings and metrics stay as they were; in
 * front of any other SQLite DataSource. Other DataSources are left alone.
 *
 * <p>Runs after the PRAGMA post-processor, which gives a pool of a {@code jdbc:sqlite:} URL its
 * {@link PragmaApplyingDataSource}, and before the single writer's, which wraps the pool.
 *
 * @since 0.1.0
 */
public final class TranslatingDataSourcePostProcessor implements BeanPostProcessor, Ordered {

    /** After the PRAGMA post-processor, before the single writer's. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 50;

    private static final boolean HIKARI_PRESENT = ClassUtils.isPresent(
            "com.zaxxer.hikari.HikariDataSource", TranslatingDataSourcePostProcessor.class.getClassLoader());

    private final SingletonSupplier<DateFormat> dateFormat;

    /**
     * Create a post-processor.
     * @param environment where {@code sqlite.hybrid.translation.date-format} is read from, when the first SQLite
     *     DataSource appears
     */
    public TranslatingDataSourcePostProcessor(Environment environment) {
        // Post-processors are created before configuration properties beans can be: bind on first use.
        this.dateFormat = SingletonSupplier.of(() -> Binder.get(environment)
                .bind("sqlite.hybrid.translation.date-format", DateFormat.class)
                .orElse(DateFormat.DRIVER));
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof DataSource dataSource) || isTranslated(dataSource)) {
            return bean;
        }
        if (HIKARI_PRESENT && HikariPools.isPool(dataSource)) {
            return HikariPools.translate(dataSource, this.dateFormat.obtain());
        }
        return isSqlite(dataSource) ? new TranslatingDataSource(dataSource, this.dateFormat.obtain()) : bean;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private static boolean isTranslated(DataSource dataSource) {
        return wraps(dataSource, TranslatingDataSource.class);
    }

    /** A SQLite DataSource, or one the PRAGMA post-processor made, which it does only for SQLite. */
    private static boolean isSqlite(DataSource dataSource) {
        return wraps(dataSource, SQLiteDataSource.class) || wraps(dataSource, PragmaApplyingDataSource.class);
    }

    private static boolean wraps(@Nullable DataSource dataSource, Class<?> type) {
        try {
            return dataSource != null && (type.isInstance(dataSource) || dataSource.isWrapperFor(type));
        } catch (SQLException ex) {
            return false;
        }
    }

    /** Keeps HikariCP types out of the outer class so the post-processor loads without HikariCP. */
    private static final class HikariPools {

        static boolean isPool(DataSource dataSource) {
            return dataSource instanceof HikariDataSource;
        }

        static DataSource translate(DataSource dataSource, DateFormat dateFormat) {
            HikariDataSource pool = (HikariDataSource) dataSource;
            DataSource inner = pool.getDataSource();
            boolean sqlite = SqliteDatabasePaths.isSqliteUrl(pool.getJdbcUrl()) || (inner != null && isSqlite(inner));
            if (!sqlite || isTranslated(inner)) {
                return pool;
            }
            if (pool.isRunning()) {
                // Started by its creator: its connections can now only be reached from outside the pool.
                return new TranslatingDataSource(pool, dateFormat);
            }
            DataSource target = (inner != null)
                    ? inner
                    : new DriverDataSource(
                            pool.getJdbcUrl(),
                            pool.getDriverClassName(),
                            pool.getDataSourceProperties(),
                            pool.getUsername(),
                            pool.getPassword());
            pool.setDataSource(new TranslatingDataSource(target, dateFormat));
            return pool;
        }
    }
}
