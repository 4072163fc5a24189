package io.github.sqlitehybrid.data.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.relational.core.dialect.Dialect;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Answers Spring Data JDBC's dialect resolution with {@link JdbcSqliteDialect} when the database's product name is
 * SQLite, and with nothing for any other database. Registered in {@code META-INF/spring.factories}; ordered before
 * Spring Data's own provider, which knows no SQLite. It does not look at the JDBC URL or the driver class.
 *
 * @since 0.1.0
 */
public final class SqliteDialectProvider implements DialectResolver.JdbcDialectProvider, Ordered {

    private static final String PRODUCT_NAME = "SQLite";

    @Override
    @SuppressWarnings(
            "NullAway") // A ConnectionCallback<@Nullable Dialect>: NullAway's standard mode reads no type arguments.
    public Optional<Dialect> getDialect(JdbcOperations operations) {
        return Optional.ofNullable(operations.execute((ConnectionCallback<@Nullable Dialect>) this::dialectOf));
    }

    private @Nullable Dialect dialectOf(Connection connection) throws SQLException {
        String productName = connection.getMetaData().getDatabaseProductName();
        return PRODUCT_NAME.equalsIgnoreCase(productName) ? JdbcSqliteDialect.INSTANCE : null;
    }

    /**
     * Zero: before Spring Data's provider, which has no order; a provider of the application's own with a negative
     * order comes first.
     */
    @Override
    public int getOrder() {
        return 0;
    }
}
