package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrite.RowIdentity;
import io.github.sqlitehybrid.buffer.PendingWrites.Call;
import io.github.sqlitehybrid.buffer.PendingWrites.Kind;
import io.github.sqlitehybrid.buffer.TableSchema.Column;
import io.github.sqlitehybrid.buffer.TableSchema.KeyShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks each call of the buffer against the live schema before anything is buffered, and makes it a
 * {@link Call}: the table, every column and the key columns must be in the schema, the key's values given and
 * not null, each value one its column takes. A call a cached schema refuses is checked once more against the
 * schema read again, which may be newer.
 */
final class CallValidator {

    private final SchemaCache schemas;

    private final Map<String, Integer> priorities = new HashMap<>();

    CallValidator(SchemaCache schemas, Map<String, Integer> tablePriorities) {
        this.schemas = schemas;
        tablePriorities.forEach((table, priority) -> this.priorities.put(TableSchema.lower(table), priority));
    }

    /**
     * Check a call and describe it.
     * @param kind what the call does
     * @param table the table as the caller named it
     * @param row the column values the caller gave
     * @param keyColumns the key columns the caller named; empty for an insert
     * @return the validated call, its values as they will be bound
     * @throws IllegalArgumentException naming the table and what is wrong
     * @throws org.springframework.dao.DataAccessResourceFailureException if the schema cannot be read
     */
    Call validate(Kind kind, String table, Map<String, ?> row, String[] keyColumns) {
        if (table == null || row == null || keyColumns == null) {
            throw new IllegalArgumentException("table, row and keyColumns must not be null");
        }
        TableSchema schema = this.schemas.cached(table);
        if (schema == null) {
            TableSchema read = this.schemas.read(table);
            schema = this.schemas.cacheIfAbsent(table, read);
            if (schema == read) {
                // Just read from the database: nothing newer to try.
                return describeOrRefuse(kind, read, table, row, keyColumns);
            }
        }
        try {
            return describe(kind, schema, table, row, keyColumns);
        } catch (SchemaMismatch ex) {
            // The cached schema may be older than the database's: read it again, once.
            return describeOrRefuse(kind, this.schemas.refresh(table), table, row, keyColumns);
        }
    }

    private Call describeOrRefuse(
            Kind kind, TableSchema schema, String table, Map<String, ?> row, String[] keyColumns) {
        try {
            return describe(kind, schema, table, row, keyColumns);
        } catch (SchemaMismatch ex) {
            throw new IllegalArgumentException(ex.getMessage());
        }
    }

    private Call describe(Kind kind, TableSchema schema, String table, Map<String, ?> row, String[] keyColumns)
            throws SchemaMismatch {
        @Nullable Object[] values = values(schema, row);
        int priority = this.priorities.getOrDefault(TableSchema.lower(schema.name()), Integer.MAX_VALUE);
        if (kind == Kind.INSERT) {
            return new Call(kind, schema, table, priority, null, new Object[0], null, values);
        }
        KeyShape key = keyShape(schema, keyColumns);
        Object[] keyValues = keyValues(schema, key, values);
        RowIdentity identity = identity(schema, key, keyValues);
        if (kind == Kind.DELETE) {
            checkOnlyKey(schema, key, values);
        }
        return new Call(kind, schema, table, priority, key, keyValues, identity, values);
    }

    /** The row's values by column index, each as its column will bind it; {@link PendingWrite#UNSET} elsewhere. */
    private static @Nullable Object[] values(TableSchema schema, Map<String, ?> row) throws SchemaMismatch {
        @Nullable Object[] values = PendingWrite.unset(schema.columns().size());
        for (Map.Entry<String, ?> entry : row.entrySet()) {
            String name = entry.getKey();
            if (name == null) {
                throw new IllegalArgumentException("The row for table '" + schema.name() + "' has a null column name");
            }
            Column column = schema.column(name);
            if (column == null) {
                throw new SchemaMismatch("Unknown column '" + name + "' in table '" + schema.name() + "' (columns: "
                        + schema.columns().stream().map(Column::name).toList() + ")");
            }
            if (values[column.index()] != PendingWrite.UNSET) {
                throw new IllegalArgumentException("Column '" + column.name() + "' of table '" + schema.name()
                        + "' is given twice in one row (names are matched ignoring case)");
            }
            values[column.index()] = column.bindable(schema.name(), entry.getValue());
        }
        return values;
    }

    private static KeyShape keyShape(TableSchema schema, String[] keyColumns) throws SchemaMismatch {
        if (keyColumns.length == 0) {
            throw new IllegalArgumentException(
                    "No key columns given for table '" + schema.name() + "': name its PRIMARY KEY or UNIQUE columns");
        }
        for (String column : keyColumns) {
            if (column == null) {
                throw new IllegalArgumentException("A key column of table '" + schema.name() + "' is null");
            }
            if (schema.column(column) == null) {
                throw new SchemaMismatch(
                        "Unknown key column '" + column + "' in table '" + schema.name() + "' (columns: "
                                + schema.columns().stream().map(Column::name).toList() + ")");
            }
        }
        KeyShape key = schema.keyShape(Arrays.asList(keyColumns));
        if (key == null) {
            throw new SchemaMismatch("Key columns " + Arrays.toString(keyColumns) + " of table '" + schema.name()
                    + "' are neither its PRIMARY KEY nor the columns of a UNIQUE index, so they may match several"
                    + " rows (unique keys: " + schema.uniqueKeyNames() + ")");
        }
        return key;
    }

    /** The key's values in the key's column order, each given and not null. */
    private static Object[] keyValues(TableSchema schema, KeyShape key, @Nullable Object[] values) {
        Object[] keyValues = new Object[key.columns().size()];
        for (int i = 0; i < keyValues.length; i++) {
            Column column = key.columns().get(i);
            Object value = values[column.index()];
            if (value == PendingWrite.UNSET) {
                throw new IllegalArgumentException(
                        "Key column '" + column.name() + "' of table '" + schema.name() + "' has no value in the row");
            }
            if (value == null) {
                throw new IllegalArgumentException("Key column '" + column.name() + "' of table '" + schema.name()
                        + "' is null: a null key identifies no row");
            }
            keyValues[i] = value;
        }
        return keyValues;
    }

    /** The row the key's values address, compared as the database compares them in the key's columns. */
    private static RowIdentity identity(TableSchema schema, KeyShape key, Object[] keyValues) {
        List<Object> identity = new ArrayList<>(keyValues.length);
        for (int i = 0; i < keyValues.length; i++) {
            identity.add(key.columns().get(i).keyValue(keyValues[i]));
        }
        return new RowIdentity(schema.quotedName(), key.names(), Collections.unmodifiableList(identity));
    }

    private static void checkOnlyKey(TableSchema schema, KeyShape key, @Nullable Object[] values) {
        for (Column column : schema.columns()) {
            if (values[column.index()] != PendingWrite.UNSET && !key.isKey(column.index())) {
                throw new IllegalArgumentException("delete on table '" + schema.name() + "' takes only the key columns "
                        + key.columns().stream().map(Column::name).toList() + ", not '" + column.name() + "'");
            }
        }
    }

    /** A refused call before anything is buffered, after which a stale cached schema is read again. */
    private static final class SchemaMismatch extends Exception {

        SchemaMismatch(String message) {
            super(message, null, false, false);
        }
    }
}
