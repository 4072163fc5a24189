package io.github.sqlitehybrid.sample;

import java.nio.file.Path;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A SQLite file looked at from outside the service, through a plain JDBC connection opened for each query:
 * what is really on disk, whatever the service's pools and buffers hold.
 */
final class DatabaseFile {

    private final JdbcTemplate jdbc;

    DatabaseFile(Path file) {
        this.jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:sqlite:" + file));
    }

    /**
     * A query answered with one number.
     * @param sql the query
     * @param params its parameters
     * @return the number
     */
    long number(String sql, Object... params) {
        return this.jdbc.queryForObject(sql, Long.class, params);
    }

    /**
     * A query's first column, every row.
     * @param sql the query
     * @param params its parameters
     * @return the values
     */
    List<Object> column(String sql, Object... params) {
        return this.jdbc.queryForList(sql, Object.class, params);
    }

    /**
     * Ids a query answers.
     * @param sql a query whose first column is an id
     * @param params its parameters
     * @return the ids
     */
    List<Long> ids(String sql, Object... params) {
        return this.jdbc.queryForList(sql, Long.class, params);
    }

    /**
     * {@code PRAGMA integrity_check}.
     * @return its lines, {@code [ok]} for a sound file
     */
    List<Object> integrityCheck() {
        return column("PRAGMA integrity_check");
    }
}
