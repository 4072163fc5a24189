package io.github.sqlitehybrid.buffer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One table as the live schema describes it: its columns, their affinities (SQLite) or types (PostgreSQL), its
 * unique keys, and how each column takes and compares a value. Read by {@link TableSchemaReader}; the names that
 * reach SQL are the schema's own, quoted.
 */
final class TableSchema {

    private static final int MAX_STATEMENTS = 1024;

    private static final Pattern INTEGER_TEXT = Pattern.compile("\\s*[+-]?[0-9]+\\s*");

    private static final Pattern REAL_TEXT =
            Pattern.compile("\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*");

    private final String name;

    private final String quotedName;

    private final List<Column> columns;

    private final Map<String, Column> columnsByName;

    private final Map<String, Column> columnsByExactName;

    private final List<List<Column>> uniqueKeys;

    private final Map<List<String>, KeyShape> keyShapes = new ConcurrentHashMap<>();

    /** Statements by shape, so a flush does not build the same SQL text for every row. */
    private final Map<SqlShape, String> statements = new ConcurrentHashMap<>();

    /**
     * Describe a table, as {@link TableSchemaReader} read it.
     * @param name the name as the schema spells it
     * @param quotedName the name quoted for SQL, qualified with its schema where the database has schemas
     * @param columns the columns in schema order
     * @param uniqueKeys the keys a caller may name: the primary key and the unique indexes' columns
     */
    TableSchema(String name, String quotedName, List<Column> columns, List<List<Column>> uniqueKeys) {
        this.name = name;
        this.quotedName = quotedName;
        this.columns = List.copyOf(columns);
        this.columnsByName = new HashMap<>();
        this.columnsByExactName = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (Column column : columns) {
            this.columnsByExactName.put(column.name(), column);
            if (this.columnsByName.put(lower(column.name()), column) != null) {
                ambiguous.add(lower(column.name()));
            }
        }
        // Columns whose names differ only in case (possible where names are quoted) are found by exact name only.
        ambiguous.forEach(this.columnsByName::remove);
        this.uniqueKeys = List.copyOf(uniqueKeys);
    }

    /** Whether two keys have the same columns, in any order. */
    static boolean sameColumns(List<Column> a, List<Column> b) {
        return a.size() == b.size()
                && a.stream().allMatch((column) -> b.stream().anyMatch((other) -> other.index() == column.index()));
    }

    /**
     * The table's name as the schema spells it.
     * @return the name
     */
    String name() {
        return this.name;
    }

    /**
     * The table's name quoted for SQL.
     * @return the quoted name
     */
    String quotedName() {
        return this.quotedName;
    }

    /**
     * The columns in schema order.
     * @return the columns
     */
    List<Column> columns() {
        return this.columns;
    }

    /**
     * The column of the given name, matched ignoring ASCII case.
     * @param column a name a caller gave
     * @return the column or {@code null}
     */
    @Nullable
    Column column(String column) {
        Column exact = this.columnsByExactName.get(column);
        return (exact != null) ? exact : this.columnsByName.get(lower(column));
    }

    /**
     * Describe the unique key the given columns form.
     * @param keyColumns names a caller gave, in any order
     * @return the key, or {@code null} when the columns are not exactly a PRIMARY KEY's or a UNIQUE index's
     */
    @Nullable
    KeyShape keyShape(List<String> keyColumns) {
        KeyShape shape = this.keyShapes.get(keyColumns);
        if (shape == null) {
            shape = resolveKey(keyColumns);
            if (shape != null) {
                this.keyShapes.put(List.copyOf(keyColumns), shape);
            }
        }
        return shape;
    }

    private @Nullable KeyShape resolveKey(List<String> keyColumns) {
        List<Column> named = new ArrayList<>();
        for (String keyColumn : keyColumns) {
            Column column = column(keyColumn);
            if (column == null || named.contains(column)) {
                return null;
            }
            named.add(column);
        }
        for (List<Column> unique : this.uniqueKeys) {
            if (sameColumns(unique, named)) {
                List<Column> sorted = new ArrayList<>(unique);
                sorted.sort((a, b) -> Integer.compare(a.index(), b.index()));
                return new KeyShape(this, sorted);
            }
        }
        return null;
    }

    /**
     * The statement of the given shape, built once.
     * @param shape what the statement does, and to which columns
     * @param build builds it on first use
     * @return the SQL
     */
    String sql(SqlShape shape, Supplier<String> build) {
        String sql = this.statements.get(shape);
        if (sql == null) {
            sql = build.get();
            if (this.statements.size() < MAX_STATEMENTS) {
                this.statements.put(shape, sql);
            }
        }
        return sql;
    }

    /**
     * Describe the unique keys, for messages.
     * @return each key's column names
     */
    List<List<String>> uniqueKeyNames() {
        return this.uniqueKeys.stream()
                .map((key) -> key.stream().map(Column::name).toList())
                .toList();
    }

    static String quote(String identifier) {
        return quote(identifier, "\"");
    }

    static String quote(String identifier, @Nullable String quote) {
        String mark = (quote == null || quote.isBlank()) ? "\"" : quote;
        return mark + identifier.replace(mark, mark + mark) + mark;
    }

    static String lower(String name) {
        // SQLite folds only ASCII letters when it compares names.
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = name.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return name;
    }

    /**
     * The value as the driver will bind it: what {@code PreparedStatement.setObject} of sqlite-jdbc, and the
     * buffer's own binding, make of each Java type.
     */
    static @Nullable Object bindable(@Nullable Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Double
                || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Byte || value instanceof Short) {
            return ((Number) value).intValue();
        }
        if (value instanceof BigInteger big) {
            return (big.bitLength() < 64) ? (Object) big.longValue() : big.toString();
        }
        if (value instanceof Float || value instanceof Boolean || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof java.util.Date) {
            return value;
        }
        // sqlite-jdbc binds any other type as its toString(); doing it here keeps keys and values consistent.
        return value.toString();
    }

    /**
     * A column: its name as the schema spells it, its position, its SQLite affinity and, in a key, collation, or
     * on a strictly typed database its type.
     *
     * @param name the name as the schema spells it
     * @param quoted the name quoted for SQL
     * @param index the position, from 0
     * @param affinity SQLite's affinity; unused elsewhere
     * @param collation SQLite's collation in a key; unused elsewhere
     * @param type what the column takes; {@link ColumnType#ANY} on SQLite
     * @param typeName the type as the database names it, for messages
     * @param maxLength for a text column, the most characters it takes, 0 for no limit
     */
    record Column(
            String name,
            String quoted,
            int index,
            Affinity affinity,
            Collation collation,
            ColumnType type,
            String typeName,
            int maxLength) {

        static Column of(String name, int index, Affinity affinity) {
            return new Column(name, quote(name), index, affinity, Collation.BINARY, ColumnType.ANY, "", 0);
        }

        Column withCollation(Collation collation) {
            return new Column(
                    this.name,
                    this.quoted,
                    this.index,
                    this.affinity,
                    collation,
                    this.type,
                    this.typeName,
                    this.maxLength);
        }

        /**
         * The value as it will be bound for this column.
         * @param table the column's table, for messages
         * @param value a value a caller gave
         * @return the value to bind
         * @throws IllegalArgumentException naming the table and the column, when the column cannot take the
         *     value
         */
        @Nullable
        Object bindable(String table, @Nullable Object value) {
            if (this.type == ColumnType.ANY) {
                return TableSchema.bindable(value);
            }
            if (value == null) {
                return null;
            }
            try {
                return this.type.convert(value, this.maxLength);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("Column '" + this.name + "' of table '" + table + "' ("
                        + this.typeName + ") cannot take the value " + describeValue(value) + ": "
                        + ex.getMessage());
            }
        }

        private static String describeValue(Object value) {
            String text = String.valueOf(value);
            return "'" + ((text.length() > 40) ? text.substring(0, 40) + "..." : text) + "'";
        }

        /**
         * The value as this column compares it in a unique key: SQLite applies the column's affinity before it
         * stores or compares, and the key's collation when it compares text. Two values with the same result
         * address the same row.
         */
        Object keyValue(Object bindable) {
            if (this.type != ColumnType.ANY) {
                return ColumnType.keyValue(bindable);
            }
            if (bindable instanceof byte[] bytes) {
                return ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length));
            }
            Object value = withAffinity(asStored(bindable));
            if (value instanceof String text) {
                return this.collation.normalize(text);
            }
            return value;
        }

        /**
         * The value as SQLite receives it from the driver: a boolean or an int as a 64-bit integer, a float as a
         * double, a decimal as text.
         */
        private static Object asStored(Object bindable) {
            if (bindable instanceof Boolean bool) {
                return bool ? 1L : 0L;
            }
            if (bindable instanceof Integer number) {
                return number.longValue();
            }
            if (bindable instanceof Float number) {
                return number.doubleValue();
            }
            if (bindable instanceof BigDecimal decimal) {
                return decimal.toString();
            }
            return bindable;
        }

        /** The value as this column's affinity converts it before SQLite stores or compares it. */
        private Object withAffinity(Object value) {
            return switch (this.affinity) {
                case INTEGER, NUMERIC -> numeric(value, true);
                case REAL -> {
                    Object number = numeric(value, false);
                    yield (number instanceof Long whole) ? (Object) whole.doubleValue() : number;
                }
                case TEXT -> (value instanceof Long whole) ? whole.toString() : value;
                case BLOB -> value;
            };
        }

        private static Object numeric(Object value, boolean preferInteger) {
            if (value instanceof String text) {
                if (INTEGER_TEXT.matcher(text).matches()) {
                    try {
                        return Long.parseLong(text.trim());
                    } catch (NumberFormatException ex) {
                        // Too large for a 64-bit integer: SQLite stores it as a REAL.
                        return Double.parseDouble(text.trim());
                    }
                }
                if (REAL_TEXT.matcher(text).matches()) {
                    return integral(Double.parseDouble(text.trim()), preferInteger);
                }
                return text;
            }
            if (value instanceof Double number) {
                return integral(number, preferInteger);
            }
            return value;
        }

        private static Object integral(double number, boolean preferInteger) {
            if (preferInteger && number == Math.rint(number) && Math.abs(number) < 9.2e18) {
                return (long) number;
            }
            return number;
        }
    }

    /** SQLite's type affinity of a column, from its declared type by SQLite's own rules. */
    enum Affinity {
        INTEGER,
        TEXT,
        BLOB,
        REAL,
        NUMERIC;

        static Affinity of(@Nullable String declaredType) {
            String type = (declaredType != null) ? declaredType.toUpperCase(Locale.ROOT) : "";
            if (type.contains("INT")) {
                return INTEGER;
            }
            if (type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT")) {
                return TEXT;
            }
            if (type.isEmpty() || type.contains("BLOB")) {
                return BLOB;
            }
            if (type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB")) {
                return REAL;
            }
            return NUMERIC;
        }
    }

    /** How a unique key compares text, so that keys equal to SQLite are equal in the buffer. */
    enum Collation {
        BINARY,
        NOCASE,
        RTRIM,
        /** An application-defined collation: text is compared as given. */
        OTHER;

        static Collation of(@Nullable String name) {
            if (name == null) {
                return BINARY;
            }
            return switch (name.toUpperCase(Locale.ROOT)) {
                case "BINARY" -> BINARY;
                case "NOCASE" -> NOCASE;
                case "RTRIM" -> RTRIM;
                default -> OTHER;
            };
        }

        String normalize(String text) {
            return switch (this) {
                case NOCASE -> lower(text);
                case RTRIM -> text.replaceAll(" +$", "");
                case BINARY, OTHER -> text;
            };
        }
    }

    /**
     * A unique key of this table as a caller names it, with the SQL fragments that address one row by it.
     * Columns are in schema order, whatever order the caller gave.
     */
    static final class KeyShape {

        private final TableSchema table;

        private final List<Column> columns;

        private final List<String> names;

        private final boolean[] isKey;

        private final String conflictTarget;

        private final String whereClause;

        private final String deleteSql;

        KeyShape(TableSchema table, List<Column> columns) {
            this.table = table;
            this.columns = List.copyOf(columns);
            this.names = columns.stream().map((column) -> lower(column.name())).toList();
            this.isKey = new boolean[table.columns().size()];
            StringBuilder target = new StringBuilder("(");
            StringBuilder where = new StringBuilder();
            for (Column column : columns) {
                this.isKey[column.index()] = true;
                if (target.length() > 1) {
                    target.append(", ");
                    where.append(" AND ");
                }
                target.append(column.quoted());
                where.append(column.quoted()).append(" = ?");
            }
            this.conflictTarget = target.append(')').toString();
            this.whereClause = where.toString();
            this.deleteSql = "DELETE FROM " + table.quotedName() + " WHERE " + this.whereClause;
        }

        TableSchema table() {
            return this.table;
        }

        List<Column> columns() {
            return this.columns;
        }

        /** The key's column names, lower case, in schema order: what identifies the key in row identities. */
        List<String> names() {
            return this.names;
        }

        boolean isKey(int columnIndex) {
            return this.isKey[columnIndex];
        }

        String conflictTarget() {
            return this.conflictTarget;
        }

        String whereClause() {
            return this.whereClause;
        }

        String deleteSql() {
            return this.deleteSql;
        }
    }

    /**
     * What a statement does and to which columns: rows of one shape share one statement text and, in a batch,
     * one prepared statement.
     *
     * @param kind the kind of statement
     * @param key the key it addresses rows by, {@code null} for a plain insert
     * @param columns the columns it writes (inserts, or sets in an update)
     * @param boundColumns for an upsert, the columns its update sets from bound values rather than
     *     {@code excluded}
     */
    record SqlShape(String kind, @Nullable KeyShape key, BitSet columns, BitSet boundColumns) {}
}
