package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.SmartDataSource;

/**
 * Hands out the group commit writer's connection to a unit's {@code JdbcTemplate} and never lets it be closed,
 * as Spring's {@code SingleConnectionDataSource} with {@code suppressClose} does, without another proxy.
 */
final class BoundConnectionDataSource extends AbstractDataSource implements SmartDataSource {

    private final Connection connection;

    BoundConnectionDataSource(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Connection getConnection() {
        return this.connection;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return this.connection;
    }

    @Override
    public boolean shouldClose(Connection con) {
        return false;
    }
}
