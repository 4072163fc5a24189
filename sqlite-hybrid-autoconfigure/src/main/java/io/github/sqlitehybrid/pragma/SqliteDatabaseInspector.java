package io.github.sqlitehybrid.pragma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads the state of the application's database from a live connection: the product, the file, the
 * PRAGMAs in effect and the size of the write-ahead log. Used by the health indicator and the
 * {@code dblocks} endpoint.
 *
 * @since 0.1.0
 */
public final class SqliteDatabaseInspector {

    private final DataSource dataSource;

    private final SqlitePragmas pragmas;

    /**
     * Create a new inspector.
     * @param dataSource the application's DataSource
     * @param pragmas the configured PRAGMAs, whose current values are read back
     */
    public SqliteDatabaseInspector(DataSource dataSource, SqlitePragmas pragmas) {
        this.dataSource = dataSource;
        this.pragmas = pragmas;
    }

    /**
     * The PRAGMAs that were configured.
     * @return the configured PRAGMAs
     */
    public SqlitePragmas getPragmas() {
        return this.pragmas;
    }

    /**
     * Read the database's state now.
     * @return the state
     * @throws SQLException if no connection can be had or a PRAGMA cannot be read
     */
    public DatabaseState inspect() throws SQLException {
        try (Connection connection = this.dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String product = metaData.getDatabaseProductName();
            if (!"SQLite".equalsIgnoreCase(product)) {
                return new DatabaseState(product, metaData.getDatabaseProductVersion(), null, null, Map.of(), null);
            }
            try (Statement statement = connection.createStatement()) {
                String path = mainFile(statement);
                Map<String, Object> values = new LinkedHashMap<>();
                for (SqlitePragmas.Pragma pragma : this.pragmas.getPragmas()) {
                    values.put(pragma.name(), read(statement, pragma.name()));
                }
                return new DatabaseState(
                        product,
                        metaData.getDatabaseProductVersion(),
                        path,
                        String.valueOf(values.get("journal_mode")),
                        values,
                        walSize(path));
            }
        }
    }

    private static @Nullable String mainFile(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("PRAGMA database_list")) {
            while (rows.next()) {
                if ("main".equals(rows.getString("name"))) {
                    String file = rows.getString("file");
                    return (file == null || file.isEmpty()) ? null : file;
                }
            }
        }
        return null;
    }

    private static Object read(Statement statement, String name) throws SQLException {
        // name comes from SqlitePragmas, where every name was checked to be an identifier.
        try (ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            return rows.next() ? rows.getObject(1) : "";
        }
    }

    private static @Nullable Long walSize(@Nullable String path) {
        if (path == null) {
            return null;
        }
        Path wal = Path.of(path + "-wal");
        try {
            return Files.exists(wal) ? Files.size(wal) : 0L;
        } catch (IOException ex) {
            return null;
        }
    }

    /**
     * The state of the database at one moment.
     *
     * @param product database product name, {@code SQLite} for SQLite
     * @param version database product version
     * @param path file of the main database, {@code null} for an in-memory or temporary database or
     *     another product
     * @param journalMode journal mode in effect, {@code null} for another product
     * @param pragmas each configured PRAGMA's value as read back, by name
     * @param walSizeBytes size of the write-ahead log file, {@code 0} when there is none, {@code null}
     *     when there is no file
     */
    public record DatabaseState(
            String product,
            String version,
            @Nullable String path,
            @Nullable String journalMode,
            Map<String, Object> pragmas,
            @Nullable Long walSizeBytes) {

        /**
         * Whether the database is SQLite.
         * @return {@code true} for SQLite
         */
        public boolean isSqlite() {
            return "SQLite".equalsIgnoreCase(this.product);
        }
    }
}
