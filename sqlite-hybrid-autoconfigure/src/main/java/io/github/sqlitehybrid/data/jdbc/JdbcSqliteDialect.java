package io.github.sqlitehybrid.data.jdbc;

import org.springframework.data.jdbc.core.dialect.JdbcDialect;

/**
 * The {@link SqliteDialect} for Spring Data JDBC, which {@link SqliteDialectProvider} hands to Spring Data's dialect
 * resolution for a SQLite connection. Declare it as a {@code JdbcDialect} bean only where resolution cannot reach
 * the database at startup. It adds nothing JDBC-specific: SQLite has no array columns.
 *
 * @since 0.1.0
 */
public final class JdbcSqliteDialect extends SqliteDialect implements JdbcDialect {

    /** The dialect; it holds no state. */
    public static final JdbcSqliteDialect INSTANCE = new JdbcSqliteDialect();

    private JdbcSqliteDialect() {}
}
