package io.github.sqlitehybrid.writer;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.ConditionalOnSqliteDatabase;
import io.github.sqlitehybrid.ConditionalOnSqliteHybridEnabled;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import java.sql.SQLException;
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
import org.springframework.core.env.Environment;
import org.sqlite.SQLiteConnection;

/**
 * Auto-configuration of the single writer: write transactions on the application's SQLite pool serialized
 * inside the JVM and begun with {@code BEGIN IMMEDIATE}, read-only transactions on a pool of their own.
 * On by default; {@code sqlite.hybrid.writer.enabled=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class})
@ConditionalOnClass({SQLiteConnection.class, HikariDataSource.class})
@ConditionalOnSqliteHybridEnabled
@ConditionalOnSqliteDatabase
@ConditionalOnBooleanProperty(name = "sqlite.hybrid.writer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WriterProperties.class)
public final class SingleWriterAutoConfiguration {

    /** The name of the read pool's bean, beside Boot's {@code dataSource}. */
    public static final String READ_POOL_BEAN_NAME = "dataSourceReadPool";

    @Bean
    @ConditionalOnMissingBean
    static SingleWriterDataSourcePostProcessor singleWriterDataSourcePostProcessor(
            ObjectProvider<SqlitePragmas> pragmas, Environment environment) {
        return new SingleWriterDataSourcePostProcessor(pragmas, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionNames sqliteHybridTransactionNames() {
        return new TransactionNames();
    }

    /**
     * The read pool of the application's DataSource, as a bean of its own so that Boot's pool meters and health
     * see it beside the write pool. Not a default candidate: injecting a {@code DataSource} still gets the
     * application's one. Absent (a null bean) when the DataSource has no single writer, such as in memory.
     */
    @Bean(name = READ_POOL_BEAN_NAME, defaultCandidate = false)
    @ConditionalOnSingleCandidate(DataSource.class)
    static @Nullable HikariDataSource dataSourceReadPool(DataSource dataSource) throws SQLException {
        return dataSource.isWrapperFor(SqliteSingleWriterDataSource.class)
                        && dataSource.unwrap(SqliteSingleWriterDataSource.class).getReadPool()
                                instanceof HikariDataSource readPool
                ? readPool
                : null;
    }
}
