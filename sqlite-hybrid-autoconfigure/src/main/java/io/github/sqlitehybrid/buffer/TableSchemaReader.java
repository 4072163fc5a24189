package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.TableSchema.Affinity;
import io.github.sqlitehybrid.buffer.TableSchema.Collation;
import io.github.sqlitehybrid.buffer.TableSchema.Column;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link TableSchema} from the database: SQLite's PRAGMAs on SQLite, JDBC metadata elsewhere. The table
 * name is bound as a parameter, so a name is only ever looked up, never spliced into SQL.
 *
 * <p>SQLite's schema comes from its PRAGMAs, not from JDBC metadata: sqlite-jdbc's {@code getIndexInfo} reports a
 * partial unique index as a plain one (no {@code FILTER_CONDITION}), which is no conflict target, and tells no
 * key's collation ({@code NOCASE}), which decides which keys are one row.
 */
final class TableSchemaReader {

    private TableSchemaReader() {}

    /**
     * Read a table's schema: from SQLite's PRAGMAs on SQLite, from JDBC metadata on other databases.
     * @param connection a connection to the database
     * @param dialect the connection's database
     * @param table the name as a caller gave it; on SQLite matched ignoring ASCII case, elsewhere as the catalog
     *     spells it or else as the database folds an unquoted name (PostgreSQL: to lower case)
     * @return the schema, or {@code null} when the database has no such table
     */
    static @Nullable TableSchema read(Connection connection, Dialect dialect, String table) throws SQLException {
        return (dialect == Dialect.SQLITE) ? readSqlite(connection, table) : readMetaData(connection, table);
    }

    private static @Nullable TableSchema readSqlite(Connection connection, String table) throws SQLException {
        String name = sqliteTableName(connection, table);
        if (name == null || TableSchema.lower(name).startsWith("sqlite_")) {
            return null;
        }
        TableInfo info = tableInfo(connection, name);
        List<List<Column>> uniqueKeys = new ArrayList<>();
        for (String index : indexList(connection, name)) {
            List<Column> key = indexInfo(connection, index, info.columns());
            if (key != null) {
                uniqueKeys.add(key);
            }
        }
        // An INTEGER PRIMARY KEY is the rowid and has no index of its own; other primary keys have one, already
        // read above with its collations, which win.
        List<Column> primaryKey = info.primaryKey();
        if (!primaryKey.isEmpty()
                && uniqueKeys.stream().noneMatch((unique) -> TableSchema.sameColumns(unique, primaryKey))) {
            uniqueKeys.add(0, primaryKey);
        }
        return new TableSchema(name, TableSchema.quote(name), info.columns(), uniqueKeys);
    }

    /** The table's name as the schema spells it, matched ignoring ASCII case, or {@code null}. */
    private static @Nullable String sqliteTableName(Connection connection, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** {@code PRAGMA table_info}: the columns with their affinities, and the primary key in key order. */
    private static TableInfo tableInfo(Connection connection, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        List<int[]> primaryKey = new ArrayList<>();
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Column column = Column.of(rows.getString(1), columns.size(), Affinity.of(rows.getString(2)));
                    columns.add(column);
                    if (rows.getInt(3) > 0) {
                        primaryKey.add(new int[] {rows.getInt(3), column.index()});
                    }
                }
            }
        }
        primaryKey.sort((a, b) -> Integer.compare(a[0], b[0]));
        return new TableInfo(
                columns, primaryKey.stream().map((pk) -> columns.get(pk[1])).toList());
    }

    /** {@code PRAGMA index_list}: the unique indexes that can be a conflict target. */
    private static List<String> indexList(Connection connection, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT name, \"unique\", partial FROM pragma_index_list(?)")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    // A partial index is no conflict target for ON CONFLICT without its WHERE clause.
                    if (rows.getInt(2) == 1 && rows.getInt(3) == 0) {
                        indexes.add(rows.getString(1));
                    }
                }
            }
        }
        return indexes;
    }

    /** {@code PRAGMA index_xinfo}: the index's key columns with their collations, or {@code null}. */
    private static @Nullable List<Column> indexInfo(Connection connection, String index, List<Column> columns)
            throws SQLException {
        List<Column> key = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT cid, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno")) {
            statement.setString(1, index);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int cid = rows.getInt(1);
                    if (cid < 0 || cid >= columns.size()) {
                        // An expression or the rowid: not a key a caller can name by columns.
                        return null;
                    }
                    key.add(columns.get(cid).withCollation(Collation.of(rows.getString(2))));
                }
            }
        }
        return key.isEmpty() ? null : key;
    }

    /**
     * Read a table's schema from JDBC metadata: its columns with their types, its primary key and its unique
     * indexes (unique constraints have one), leaving out partial indexes and indexes on expressions, which are
     * no conflict target for {@code ON CONFLICT (columns)}. Only the connection's current schema is searched,
     * and statements name the table with that schema, so they address the table that was checked.
     */
    private static @Nullable TableSchema readMetaData(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String catalog = connection.getCatalog();
        String schema = connection.getSchema();
        String escape = metaData.getSearchStringEscape();
        CatalogTable found = findTable(metaData, catalog, schema, escape, table);
        if (found == null) {
            return null;
        }
        String quote = metaData.getIdentifierQuoteString();
        List<Column> columns = columns(metaData, found, escape, quote);
        Map<String, Column> byName = new HashMap<>();
        columns.forEach((column) -> byName.put(column.name(), column));
        List<List<Column>> uniqueKeys = new ArrayList<>();
        List<Column> primaryKey = primaryKey(metaData, found, byName);
        if (!primaryKey.isEmpty()) {
            uniqueKeys.add(primaryKey);
        }
        for (List<Column> key : uniqueIndexes(metaData, found, byName)) {
            if (uniqueKeys.stream().noneMatch((unique) -> TableSchema.sameColumns(unique, key))) {
                uniqueKeys.add(key);
            }
        }
        return new TableSchema(found.name(), found.quotedName(quote), columns, uniqueKeys);
    }

    /** The table in the current schema: by its name as given, else as the database folds unquoted names. */
    private static @Nullable CatalogTable findTable(
            DatabaseMetaData metaData,
            @Nullable String catalog,
            @Nullable String schema,
            @Nullable String escape,
            String table)
            throws SQLException {
        List<String> candidates = new ArrayList<>();
        candidates.add(table);
        if (metaData.storesLowerCaseIdentifiers()) {
            candidates.add(table.toLowerCase(Locale.ROOT));
        } else if (metaData.storesUpperCaseIdentifiers()) {
            candidates.add(table.toUpperCase(Locale.ROOT));
        }
        for (String candidate : candidates) {
            try (ResultSet rows = metaData.getTables(
                    catalog,
                    (schema != null) ? pattern(schema, escape) : null,
                    pattern(candidate, escape),
                    new String[] {"TABLE", "PARTITIONED TABLE"})) {
                while (rows.next()) {
                    if (candidate.equals(rows.getString("TABLE_NAME"))) {
                        return new CatalogTable(catalog, rows.getString("TABLE_SCHEM"), candidate);
                    }
                }
            }
        }
        return null;
    }

    /** {@code getColumns}: the columns with their types and, for {@code varchar(n)}, their lengths. */
    private static List<Column> columns(
            DatabaseMetaData metaData, CatalogTable table, @Nullable String escape, @Nullable String quote)
            throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet rows = metaData.getColumns(
                table.catalog(),
                (table.schema() != null) ? pattern(table.schema(), escape) : null,
                pattern(table.name(), escape),
                "%")) {
            while (rows.next()) {
                if (table.name().equals(rows.getString("TABLE_NAME"))) {
                    columns.add(column(rows, columns.size(), quote));
                }
            }
        }
        return columns;
    }

    private static Column column(ResultSet rows, int index, @Nullable String quote) throws SQLException {
        String typeName = rows.getString("TYPE_NAME");
        ColumnType type = ColumnType.of(rows.getInt("DATA_TYPE"), typeName);
        int size = rows.getInt("COLUMN_SIZE");
        boolean limited = type == ColumnType.TEXT
                && typeName != null
                && (typeName.equalsIgnoreCase("varchar") || typeName.equalsIgnoreCase("bpchar"));
        String name = rows.getString("COLUMN_NAME");
        return new Column(
                name,
                TableSchema.quote(name, quote),
                index,
                Affinity.BLOB,
                Collation.BINARY,
                type,
                (typeName != null) ? typeName : type.describe(),
                (limited && size > 0 && size < Integer.MAX_VALUE) ? size : 0);
    }

    /** {@code getPrimaryKeys}: the primary key's columns in key order, empty when there is none. */
    private static List<Column> primaryKey(DatabaseMetaData metaData, CatalogTable table, Map<String, Column> byName)
            throws SQLException {
        Map<Short, Column> primaryKey = new TreeMap<>();
        try (ResultSet rows = metaData.getPrimaryKeys(table.catalog(), table.schema(), table.name())) {
            while (rows.next()) {
                Column column = byName.get(rows.getString("COLUMN_NAME"));
                if (column != null) {
                    primaryKey.put(rows.getShort("KEY_SEQ"), column);
                }
            }
        }
        return List.copyOf(primaryKey.values());
    }

    /** {@code getIndexInfo}: the unique indexes' columns, without partial indexes and indexes on expressions. */
    private static List<List<Column>> uniqueIndexes(
            DatabaseMetaData metaData, CatalogTable table, Map<String, Column> byName) throws SQLException {
        Map<String, List<Column>> indexes = new LinkedHashMap<>();
        Set<String> unusable = new HashSet<>();
        try (ResultSet rows = metaData.getIndexInfo(table.catalog(), table.schema(), table.name(), true, true)) {
            while (rows.next()) {
                String index = rows.getString("INDEX_NAME");
                if (index == null
                        || rows.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic
                        || rows.getBoolean("NON_UNIQUE")) {
                    continue;
                }
                Column column = byName.get(rows.getString("COLUMN_NAME"));
                String filter = rows.getString("FILTER_CONDITION");
                if (column == null || (filter != null && !filter.isBlank())) {
                    // An expression, or a partial index: ON CONFLICT (columns) cannot use it.
                    unusable.add(index);
                    continue;
                }
                indexes.computeIfAbsent(index, (key) -> new ArrayList<>()).add(column);
            }
        }
        unusable.forEach(indexes::remove);
        return List.copyOf(indexes.values());
    }

    private static String pattern(String name, @Nullable String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /**
     * What {@code PRAGMA table_info} tells of a table.
     *
     * @param columns the columns in schema order
     * @param primaryKey the primary key's columns in key order, empty when the table has none
     */
    private record TableInfo(List<Column> columns, List<Column> primaryKey) {}

    /**
     * Where the catalog has the table.
     *
     * @param catalog the connection's catalog
     * @param schema the table's schema, {@code null} where the database has none
     * @param name the table's name as the catalog spells it
     */
    private record CatalogTable(
            @Nullable String catalog, @Nullable String schema, String name) {

        /** The name qualified with its schema and quoted, so statements address the table that was checked. */
        String quotedName(@Nullable String quote) {
            return (this.schema != null)
                    ? TableSchema.quote(this.schema, quote) + "." + TableSchema.quote(this.name, quote)
                    : TableSchema.quote(this.name, quote);
        }
    }
}
