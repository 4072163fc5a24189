package io.github.sqlitehybrid.buffer;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The databases the write buffer writes to, told apart by the connection's
 * {@code DatabaseMetaData.getDatabaseProductName()}, never by the classpath: both take the same
 * {@code INSERT ... ON CONFLICT (key) DO UPDATE} statements; they differ in how a transaction begins, how the
 * schema is read and how strictly values are typed.
 */
enum Dialect {

    /**
     * SQLite: the schema from PRAGMAs, a transaction begun by {@code BEGIN IMMEDIATE} and ended by statements,
     * values bound as given (SQLite applies each column's affinity).
     */
    SQLITE,

    /**
     * PostgreSQL: the schema from JDBC metadata, a standard JDBC transaction ({@code setAutoCommit(false)},
     * {@code commit()}, {@code rollback()}, {@code Savepoint}s), values converted to the column's type at the call.
     */
    POSTGRESQL;

    /**
     * The dialect of the database behind the connection.
     * @param connection an open connection
     * @return the dialect
     * @throws SQLException if the metadata cannot be read
     * @throws IllegalStateException if the buffer cannot write to that database
     */
    static Dialect of(Connection connection) throws SQLException {
        return of(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * The dialect of a database product.
     * @param product a {@code getDatabaseProductName()}
     * @return the dialect
     * @throws IllegalStateException if the buffer cannot write to that database
     */
    static Dialect of(String product) {
        if ("SQLite".equalsIgnoreCase(product)) {
            return SQLITE;
        }
        if ("PostgreSQL".equalsIgnoreCase(product)) {
            return POSTGRESQL;
        }
        throw new IllegalStateException("The write buffer works with SQLite and PostgreSQL (it writes INSERT ... ON"
                + " CONFLICT upserts), and the application's DataSource is " + product
                + ": set sqlite.hybrid.write-buffer.enabled=false");
    }
}
