package io.github.sqlitehybrid.writer;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.sqlitehybrid.SqliteDatabasePaths;
import io.github.sqlitehybrid.pragma.PragmaApplyingDataSource;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import io.github.sqlitehybrid.translation.TranslatingDataSource;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Puts the single writer in front of each HikariCP pool of a SQLite file (Boot's default pool, or one the
 * application declares): the bean becomes a {@link SqliteSingleWriterDataSource} over the original pool and
 * a read pool made from its settings.
 *
 * <p>Runs after the PRAGMA post-processor, so the read pool applies the same PRAGMAs, plus
 * {@code query_only}. In-memory databases are left alone: each of their connections is a database of its
 * own, so a separate read pool would read an empty one.
 *
 * <p>The container destroys the pool it created, not the {@link SqliteSingleWriterDataSource} it was given
 * in exchange; so this post-processor closes each read pool when its write pool is destroyed. Otherwise the
 * read pool's connections would outlive the context, and SQLite would not checkpoint and remove the WAL file
 * when the last connection closes.
 *
 * @since 0.1.0
 */
public final class SingleWriterDataSourcePostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

    /** After {@link io.github.sqlitehybrid.pragma.SqlitePragmaDataSourcePostProcessor}. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

    private static final Log logger = LogFactory.getLog(SingleWriterDataSourcePostProcessor.class);

    private final ObjectProvider<SqlitePragmas> pragmas;

    private final SingletonSupplier<WriterProperties> properties;

    /** The read pool made for each write pool, by identity: pools are not meant to be compared by value. */
    private final Map<DataSource, HikariDataSource> readPools = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * Create a post-processor.
     * @param pragmas the configured PRAGMAs, if the PRAGMA part is on
     * @param environment where {@code sqlite.hybrid.writer.*} is read from, when the first pool appears
     */
    public SingleWriterDataSourcePostProcessor(ObjectProvider<SqlitePragmas> pragmas, Environment environment) {
        this.pragmas = pragmas;
        // Post-processors are created before configuration properties beans can be: bind on first use.
        this.properties = SingletonSupplier.of(() -> Binder.get(environment)
                .bind("sqlite.hybrid.writer", Bindable.of(WriterProperties.class))
                .orElseGet(WriterProperties::new));
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof HikariDataSource pool)
                || !SqliteDatabasePaths.isFileUrl(pool.getJdbcUrl())
                || this.readPools.containsValue(pool)) {
            // A read pool made here is a bean too (SingleWriterAutoConfiguration): it must stay as it is.
            return bean;
        }
        WriterProperties settings = this.properties.obtain();
        String url = pool.getJdbcUrl();
        WriteTurn turn = new WriteTurn(
                SqliteDatabasePaths.locationOf(url),
                settings.getLongTransactionThreshold(),
                settings.getLongReadThreshold());
        logger.debug("Serializing the writers of HikariCP pool '" + beanName + "' (" + url + ")");
        // The single writer begins and ends transactions with statements; the pools' connections stay in the
        // driver's auto-commit mode, and the logical connections start in the mode the pool was configured with.
        boolean autoCommit = pool.isAutoCommit();
        pool.setAutoCommit(true);
        TranslatingDataSource translated = unwrap(pool.getDataSource(), TranslatingDataSource.class);
        HikariDataSource readPool = readPool(pool, beanName, translated);
        this.readPools.put(pool, readPool);
        return new SqliteSingleWriterDataSource(
                pool, readPool, turn, settings.getAcquireTimeout(), autoCommit, translated != null, settings);
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return this.readPools.containsKey(bean);
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        HikariDataSource readPool = this.readPools.remove(bean);
        if (readPool != null) {
            readPool.close();
        }
    }

    private HikariDataSource readPool(
            HikariDataSource writePool, String beanName, @Nullable TranslatingDataSource translated) {
        HikariDataSource readPool = new HikariDataSource();
        // Not started here: like Boot's own pool, it opens its first connection when first asked.
        writePool.copyStateTo(readPool);
        // Named apart from the write pool in HikariCP's meters and logs.
        readPool.setPoolName(((writePool.getPoolName() != null) ? writePool.getPoolName() : beanName) + "-read");
        DataSource inner = writePool.getDataSource();
        PragmaApplyingDataSource applying = unwrap(inner, PragmaApplyingDataSource.class);
        SqlitePragmas base =
                (applying != null) ? applying.getPragmas() : this.pragmas.getIfAvailable(SqlitePragmas::none);
        // query_only last: a read-only transaction that tries to write fails at once with SQLITE_READONLY
        // instead of writing without the turn.
        DataSource connections = new PragmaApplyingDataSource(
                new DriverDataSource(
                        writePool.getJdbcUrl(),
                        writePool.getDriverClassName(),
                        writePool.getDataSourceProperties(),
                        writePool.getUsername(),
                        writePool.getPassword()),
                base.and("query_only", 1));
        // Errors of the read pool are translated as the write pool's are.
        readPool.setDataSource(
                (translated != null)
                        ? new TranslatingDataSource(connections, translated.getDateFormat())
                        : connections);
        readPool.setDataSourceClassName(null);
        return readPool;
    }

    private static <T> @Nullable T unwrap(@Nullable DataSource dataSource, Class<T> type) {
        try {
            return (dataSource != null && dataSource.isWrapperFor(type)) ? dataSource.unwrap(type) : null;
        } catch (SQLException ex) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
