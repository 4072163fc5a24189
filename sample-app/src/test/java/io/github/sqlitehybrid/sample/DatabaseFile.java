package io.github.sqlitehybrid.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQLite file looked at from outside the service, through a plain JDBC connection opened for each query:
 * what is really on disk, whatever the service's pools and buffers hold.
 */
final class DatabaseFile {

    private final String url;

    DatabaseFile(Path file) {
        this.url = "jdbc:sqlite:" + file;
    }

    /**
     * A query answered with one number.
     * @param sql the query
     * @param params its parameters
     * @return the number
     */
    long number(String sql, Object... params) {
        List<Object> values = column(sql, params);
        if (values.size() != 1) {
            throw new IllegalStateException(sql + " answered " + values.size() + " rows");
        }
        return ((Number) values.get(0)).longValue();
    }

    /**
     * A query's first column, every row.
     * @param sql the query
     * @param params its parameters
     * @return the values
     */
    List<Object> column(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(this.url);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Object> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getObject(1));
                }
            }
            return values;
        } catch (SQLException ex) {
            throw new IllegalStateException(sql + " failed on " + this.url, ex);
        }
    }

    /**
     * Ids a query answers.
     * @param sql a query whose first column is an id
     * @param params its parameters
     * @return the ids
     */
    List<Long> ids(String sql, Object... params) {
        return column(sql, params).stream()
                .map((id) -> ((Number) id).longValue())
                .toList();
    }

    /**
     * {@code PRAGMA integrity_check}.
     * @return its lines, {@code [ok]} for a sound file
     */
    List<Object> integrityCheck() {
        return column("PRAGMA integrity_check");
    }
}
