package io.github.sqlitehybrid.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The provider answers for SQLite and for nothing else, and Spring Data finds it on the class path.
 */
class SqliteDialectProviderTests {

    @TempDir
    Path dir;

    @Test
    void answersWithTheSqliteDialectForASqliteDatabase() {
        assertThat(new SqliteDialectProvider().getDialect(sqlite())).containsSame(JdbcSqliteDialect.INSTANCE);
    }

    @Test
    void answersNothingForAnotherDatabase() {
        assertThat(new SqliteDialectProvider().getDialect(new JdbcTemplate(databaseNamed("PostgreSQL"))))
                .isEmpty();
    }

    @Test
    void springDataFindsTheProviderThroughSpringFactories() {
        assertThat(DialectResolver.getDialect(sqlite())).isSameAs(JdbcSqliteDialect.INSTANCE);
    }

    private JdbcTemplate sqlite() {
        return new JdbcTemplate(new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("provider.db")));
    }

    // Only the product name matters to the provider; the rest of the stub answers nothing.
    private static DataSource databaseNamed(String productName) {
        DatabaseMetaData metaData = stub(DatabaseMetaData.class, "getDatabaseProductName", productName);
        Connection connection = stub(Connection.class, "getMetaData", metaData);
        return stub(DataSource.class, "getConnection", connection);
    }

    private static <T> T stub(Class<T> type, String method, Object answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(),
                new Class<?>[] {type},
                (proxy, called, args) -> called.getName().equals(method) ? answer : defaultOf(called.getReturnType())));
    }

    private static Object defaultOf(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        return (type == int.class) ? 0 : null;
    }
}
