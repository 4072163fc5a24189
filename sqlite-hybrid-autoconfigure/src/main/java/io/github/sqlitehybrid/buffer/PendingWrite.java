package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.TableSchema.Column;
import io.github.sqlitehybrid.buffer.TableSchema.KeyShape;
import io.github.sqlitehybrid.buffer.TableSchema.SqlShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One pending row of the buffer, and the statements that write it. Mutable only under the lock of
 * {@link PendingWrites}, and only until a flush takes it ({@link #inFlight}); from then on its statements are
 * fixed, so a batch retried after a lock error writes exactly what it tried to write the first time.
 */
abstract sealed class PendingWrite permits PendingWrite.Insert, PendingWrite.Keyed {

    /** Marks a column a pending write does not set, in arrays indexed by column; {@code null} is a value. */
    static final Object UNSET = new Object() {
        @Override
        public String toString() {
            return "UNSET";
        }
    };

    final TableSchema table;

    final long sequence;

    final int priority;

    /** Taken by the flush that is writing it: calls on its row start a new pending write instead. */
    boolean inFlight;

    /** Committed or refused: no longer pending. */
    boolean done;

    PendingWrite(TableSchema table, long sequence, int priority) {
        this.table = table;
        this.sequence = sequence;
        this.priority = priority;
    }

    /**
     * The statements that apply this pending write, in order.
     * @param steps where to add them
     */
    abstract void addSteps(List<Step> steps);

    /** What the write does, for dead letters and logs. */
    abstract String operation();

    /** Key columns and values, for dead letters and logs; empty for an insert. */
    abstract Map<String, Object> key();

    /** The other columns and the values they would be given, for dead letters. */
    abstract Map<String, @Nullable Object> values();

    /**
     * One statement and its parameters.
     *
     * @param sql the statement, with the schema's names quoted and every value a parameter
     * @param parameters the values to bind, in order
     */
    record Step(String sql, @Nullable Object[] parameters) {}

    /** An appended row: never coalesced, written in arrival order. */
    static final class Insert extends PendingWrite {

        private final @Nullable Object[] values;

        Insert(TableSchema table, long sequence, int priority, @Nullable Object[] values) {
            super(table, sequence, priority);
            this.values = values;
        }

        @Override
        void addSteps(List<Step> steps) {
            BitSet columns = mask(this.values);
            if (columns.isEmpty()) {
                steps.add(new Step("INSERT INTO " + this.table.quotedName() + " DEFAULT VALUES", new Object[0]));
                return;
            }
            String sql = this.table.sql(
                    new SqlShape("insert", null, columns, NONE), () -> insertSql(this.table, null, columns));
            List<@Nullable Object> parameters = new ArrayList<>(columns.cardinality());
            addValues(this.values, columns, parameters);
            steps.add(new Step(sql, parameters.toArray()));
        }

        @Override
        String operation() {
            return "insert";
        }

        @Override
        Map<String, Object> key() {
            return Map.of();
        }

        @Override
        Map<String, @Nullable Object> values() {
            return describe(this.table, this.values, null);
        }
    }

    /**
     * Every call on one row (one table, one key) since the last flush, composed into one change that has the
     * same effect as the calls applied in order.
     *
     * <p>Whether the row exists is known only when the flush runs, so the state says what to do in either case:
     *
     * <ul>
     *   <li>{@link #deleteFirst}: a delete came; the row is absent from then on, whatever it was before.
     *   <li>{@link #insertValues}: the columns the row gets if it is absent (after the delete, or before the
     *       first call); {@code null} while it would stay absent: no upsert yet, or none since the last
     *       delete. An {@code update} of an absent row does nothing, so an update adds to these values only once
     *       an upsert has created them.
     *   <li>{@link #setValues}: the columns set if the row is present, every upsert's and update's values,
     *       later calls winning column by column. Unused after a delete, where the row is known to be absent.
     * </ul>
     *
     * <p>Transitions: {@code upsert(v)} merges {@code v} into the set values (unless a delete came) and into
     * the insert values, creating them; {@code update(v)} merges {@code v} into the set values (unless a
     * delete came) and into the insert values if they exist; {@code delete} sets {@code deleteFirst} and
     * forgets both, so nothing of an earlier upsert survives it. Key columns are never part of the values: a
     * row is addressed by its key and never re-keyed.
     *
     * <p>Flushed as: a delete came: {@code DELETE}, then an {@code INSERT} of the insert values if any; else
     * with insert values: {@code INSERT ... ON CONFLICT (key) DO UPDATE SET} the set values (the columns of
     * the insert values from {@code excluded}, which holds the same values, the others bound); else an
     * {@code UPDATE} of the set values.
     */
    static final class Keyed extends PendingWrite {

        final RowIdentity identity;

        final KeyShape key;

        /** The key values as the first call gave them, in the key's column order; never null. */
        final Object[] keyValues;

        /** Which run of same-kind calls on the table this belongs to; calls coalesce only within one run. */
        final long generation;

        /** The write on the same row that was pending, or in flight, when this one started. */
        @Nullable
        Keyed previous;

        boolean deleteFirst;

        @Nullable
        Object @Nullable [] insertValues;

        @Nullable
        Object @Nullable [] setValues;

        Keyed(
                TableSchema table,
                long sequence,
                int priority,
                RowIdentity identity,
                KeyShape key,
                Object[] keyValues,
                long generation,
                @Nullable Keyed previous) {
            super(table, sequence, priority);
            this.identity = identity;
            this.key = key;
            this.keyValues = keyValues;
            this.generation = generation;
            this.previous = previous;
        }

        void upsert(@Nullable Object[] values) {
            if (!this.deleteFirst) {
                this.setValues = merge(this.setValues, values);
            }
            this.insertValues = merge(this.insertValues, values);
        }

        void update(@Nullable Object[] values) {
            if (!this.deleteFirst) {
                this.setValues = merge(this.setValues, values);
            }
            if (this.insertValues != null) {
                this.insertValues = merge(this.insertValues, values);
            }
        }

        void delete() {
            this.deleteFirst = true;
            this.insertValues = null;
            this.setValues = null;
        }

        private @Nullable Object[] merge(@Nullable Object @Nullable [] target, @Nullable Object[] values) {
            @Nullable Object[] merged = target;
            if (merged == null) {
                merged = unset(values.length);
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] != UNSET && !this.key.isKey(i)) {
                    merged[i] = values[i];
                }
            }
            return merged;
        }

        @Override
        void addSteps(List<Step> steps) {
            if (this.deleteFirst) {
                steps.add(new Step(this.key.deleteSql(), this.keyValues.clone()));
                if (this.insertValues != null) {
                    BitSet columns = mask(this.insertValues);
                    String sql = this.table.sql(
                            new SqlShape("insert", this.key, columns, NONE),
                            () -> insertSql(this.table, this.key, columns));
                    List<@Nullable Object> parameters = keyParameters(columns.cardinality());
                    addValues(this.insertValues, columns, parameters);
                    steps.add(new Step(sql, parameters.toArray()));
                }
                return;
            }
            @Nullable
            Object[] set = (this.setValues != null)
                    ? this.setValues
                    : unset(this.table.columns().size());
            if (this.insertValues != null) {
                steps.add(upsertStep(this.insertValues, set));
                return;
            }
            BitSet columns = mask(set);
            if (columns.isEmpty()) {
                // An update that names only key columns changes nothing.
                return;
            }
            String sql = this.table.sql(new SqlShape("update", this.key, columns, NONE), () -> updateSql(columns));
            List<@Nullable Object> parameters = new ArrayList<>(columns.cardinality() + this.keyValues.length);
            addValues(set, columns, parameters);
            parameters.addAll(Arrays.asList(this.keyValues));
            steps.add(new Step(sql, parameters.toArray()));
        }

        private Step upsertStep(@Nullable Object[] insert, @Nullable Object[] set) {
            BitSet columns = mask(insert);
            // Set by an update before the first upsert: applies to a present row only, so bound, not excluded.
            BitSet bound = mask(set);
            bound.andNot(columns);
            String sql = this.table.sql(
                    new SqlShape("upsert", this.key, columns, bound), () -> upsertSql(columns, mask(set), bound));
            List<@Nullable Object> parameters = keyParameters(columns.cardinality() + bound.cardinality());
            addValues(insert, columns, parameters);
            addValues(set, bound, parameters);
            return new Step(sql, parameters.toArray());
        }

        private String upsertSql(BitSet columns, BitSet set, BitSet bound) {
            StringBuilder sql = new StringBuilder(insertSql(this.table, this.key, columns))
                    .append(" ON CONFLICT ")
                    .append(this.key.conflictTarget());
            if (set.isEmpty()) {
                return sql.append(" DO NOTHING").toString();
            }
            sql.append(" DO UPDATE SET ");
            String separator = "";
            for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                String quoted = this.table.columns().get(i).quoted();
                sql.append(separator).append(quoted);
                // Every call since the first upsert wrote both value sets alike: excluded holds the same value.
                sql.append(bound.get(i) ? " = ?" : " = excluded." + quoted);
                separator = ", ";
            }
            return sql.toString();
        }

        private String updateSql(BitSet columns) {
            StringBuilder sql =
                    new StringBuilder("UPDATE ").append(this.table.quotedName()).append(" SET ");
            String separator = "";
            for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
                sql.append(separator)
                        .append(this.table.columns().get(i).quoted())
                        .append(" = ?");
                separator = ", ";
            }
            return sql.append(" WHERE ").append(this.key.whereClause()).toString();
        }

        private List<@Nullable Object> keyParameters(int more) {
            List<@Nullable Object> parameters = new ArrayList<>(this.keyValues.length + more);
            parameters.addAll(Arrays.asList(this.keyValues));
            return parameters;
        }

        @Override
        String operation() {
            if (this.deleteFirst) {
                return (this.insertValues != null) ? "delete-then-insert" : "delete";
            }
            return (this.insertValues != null) ? "upsert" : "update";
        }

        @Override
        Map<String, Object> key() {
            Map<String, Object> key = new LinkedHashMap<>();
            for (int i = 0; i < this.key.columns().size(); i++) {
                key.put(this.key.columns().get(i).name(), this.keyValues[i]);
            }
            return Collections.unmodifiableMap(key);
        }

        @Override
        Map<String, @Nullable Object> values() {
            if (this.deleteFirst) {
                return describe(this.table, this.insertValues, null);
            }
            return describe(this.table, (this.setValues != null) ? this.setValues : this.insertValues, null);
        }

        /**
         * Apply this pending write to what is known of the row before it, for {@code WriteBuffer.buffered}.
         * @param before the row's known columns before this write, {@link #ABSENT}, or {@code null} when nothing
         *     is known
         * @return the row's known columns after it, or {@link #ABSENT}
         */
        @Nullable
        Object view(@Nullable Object before) {
            if (this.deleteFirst || before == ABSENT) {
                if (this.insertValues == null) {
                    return ABSENT;
                }
                return describe(this.table, this.insertValues, this);
            }
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> known = (before != null)
                    ? new LinkedHashMap<>((Map<String, @Nullable Object>) before)
                    : new LinkedHashMap<>(describe(this.table, null, this));
            if (this.setValues != null) {
                known.putAll(describe(this.table, this.setValues, null));
            }
            return known;
        }
    }

    static @Nullable Object[] unset(int length) {
        @Nullable Object[] values = new Object[length];
        Arrays.fill(values, UNSET);
        return values;
    }

    /** What {@link Keyed#view} returns for a row that will be absent after the flush. */
    static final Object ABSENT = new Object();

    private static final BitSet NONE = new BitSet();

    /** The columns a value array sets. */
    static BitSet mask(@Nullable Object[] values) {
        BitSet mask = new BitSet(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != UNSET) {
                mask.set(i);
            }
        }
        return mask;
    }

    static void addValues(@Nullable Object[] values, BitSet columns, List<@Nullable Object> parameters) {
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            parameters.add(values[i]);
        }
    }

    /** {@code INSERT INTO t (key columns, then columns) VALUES (?, ...)}. */
    static String insertSql(TableSchema table, @Nullable KeyShape key, BitSet columns) {
        StringBuilder sql =
                new StringBuilder("INSERT INTO ").append(table.quotedName()).append(" (");
        String separator = "";
        int count = 0;
        if (key != null) {
            for (Column column : key.columns()) {
                sql.append(separator).append(column.quoted());
                separator = ", ";
                count++;
            }
        }
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            sql.append(separator).append(table.columns().get(i).quoted());
            separator = ", ";
            count++;
        }
        sql.append(") VALUES (");
        for (int i = 0; i < count; i++) {
            sql.append((i > 0) ? ", ?" : "?");
        }
        return sql.append(')').toString();
    }

    /** Columns and values by the schema's column names, key columns first when a key is given. */
    static Map<String, @Nullable Object> describe(
            TableSchema table, @Nullable Object @Nullable [] values, @Nullable Keyed keyOf) {
        Map<String, @Nullable Object> described = new LinkedHashMap<>();
        if (keyOf != null) {
            for (int i = 0; i < keyOf.key.columns().size(); i++) {
                described.put(keyOf.key.columns().get(i).name(), keyOf.keyValues[i]);
            }
        }
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != UNSET) {
                    described.put(table.columns().get(i).name(), values[i]);
                }
            }
        }
        return described;
    }

    /**
     * Which row a keyed write addresses: the table, the key's columns and the key's values as SQLite compares
     * them. A list of values, never a joined string, so {@code ("a|b", "c")} and {@code ("a", "b|c")} differ.
     *
     * @param table the table's quoted name, as the schema spells it (one table, whatever spelling callers use)
     * @param columns the key's column names, lower case, in schema order
     * @param values the key's values as the key compares them, in the same order
     */
    record RowIdentity(String table, List<String> columns, List<Object> values) {}
}
