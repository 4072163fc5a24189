package io.github.sqlitehybrid.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The live schemas of the tables the buffer is called with, read through the DataSource on a miss and cached per
 * table, whatever spelling of its name a caller uses.
 */
final class SchemaCache {

    private final DataSource dataSource;

    /** Each table's schema, by its quoted name: one instance per table, so calls on it coalesce. */
    private final Map<String, TableSchema> schemas = new ConcurrentHashMap<>();

    /**
     * The quoted name of the table each spelling a caller used resolved to. By the spelling as given: where
     * names are case sensitive (PostgreSQL's quoted names), {@code Mixed} and {@code mixed} may be two tables.
     */
    private final Map<String, String> tableNames = new ConcurrentHashMap<>();

    private volatile @Nullable Dialect dialect;

    SchemaCache(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The cached schema of a table.
     * @param table the name as a caller gave it
     * @return the schema, or {@code null} when this spelling has not been read yet
     */
    @Nullable
    TableSchema cached(String table) {
        String quotedName = this.tableNames.get(table);
        return (quotedName != null) ? this.schemas.get(quotedName) : null;
    }

    /**
     * Read a table's schema from the database, without caching it.
     * @param table the name as a caller gave it
     * @return the schema
     * @throws IllegalArgumentException if the database has no such table
     * @throws DataAccessResourceFailureException if the schema cannot be read
     */
    TableSchema read(String table) {
        try (Connection connection = this.dataSource.getConnection()) {
            TableSchema schema = TableSchemaReader.read(connection, dialect(connection), table);
            if (schema == null) {
                throw new IllegalArgumentException("Unknown table '" + table
                        + "': the database has no such table (names are looked up in the schema, never run as SQL)");
            }
            return schema;
        } catch (SQLException ex) {
            throw new DataAccessResourceFailureException(
                    "Could not read the schema of table '" + table + "' for the write buffer", ex);
        }
    }

    /**
     * Cache a schema just read, unless its table is cached already under another spelling: a new spelling of a
     * known table keeps the known schema, so its calls coalesce with the others.
     * @param table the name as a caller gave it
     * @param read the schema {@link #read} returned for it
     * @return the schema now cached for the table: {@code read}, or the one known before
     */
    TableSchema cacheIfAbsent(String table, TableSchema read) {
        this.tableNames.put(table, read.quotedName());
        TableSchema known = this.schemas.putIfAbsent(read.quotedName(), read);
        return (known != null) ? known : read;
    }

    /**
     * Read a table's schema again and cache it in place of the one known, which may be older than the database's.
     * @param table the name as a caller gave it
     * @return the schema
     * @throws IllegalArgumentException if the database has no such table
     * @throws DataAccessResourceFailureException if the schema cannot be read
     */
    TableSchema refresh(String table) {
        TableSchema schema = read(table);
        this.schemas.put(schema.quotedName(), schema);
        this.tableNames.put(table, schema.quotedName());
        return schema;
    }

    /**
     * The database's dialect, told once from a connection and kept for every schema read.
     * @return the dialect
     * @throws SQLException if no connection can be had or its metadata cannot be read
     * @throws IllegalStateException if the buffer cannot write to that database
     */
    Dialect dialect() throws SQLException {
        try (Connection connection = this.dataSource.getConnection()) {
            return dialect(connection);
        }
    }

    private Dialect dialect(Connection connection) throws SQLException {
        Dialect known = this.dialect;
        if (known == null) {
            known = Dialect.of(connection);
            this.dialect = known;
        }
        return known;
    }
}
