package io.github.sqlitehybrid.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** Prepared statements of one batch transaction, one per distinct SQL, closed together. */
final class BatchStatements implements AutoCloseable {

    private final Connection connection;

    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    BatchStatements(Connection connection) {
        this.connection = connection;
    }

    void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = this.prepared.get(sql);
        if (statement == null) {
            statement = this.connection.prepareStatement(sql);
            this.prepared.put(sql, statement);
        }
        return statement;
    }

    @Override
    public void close() throws SQLException {
        SQLException failure = null;
        for (Statement statement : this.prepared.values()) {
            try {
                statement.close();
            } catch (SQLException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
