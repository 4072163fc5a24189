package io.github.sqlitehybrid.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Coalescing never changes the result: every sequence of calls flushes to what the same calls applied directly,
 * in order, give on another database of the same kind.
 */
@Timeout(60)
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class WriteBufferCoalescingTests {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path dir;

    private TestDatabase buffered;

    private TestDatabase reference;

    private WriteBuffer buffer;

    private Both both;

    @BeforeEach
    void createDatabases() {
        this.buffered = TestDatabase.create(this.kind, this.dir, "buffered");
        this.reference = TestDatabase.create(this.kind, this.dir, "reference");
        this.buffered.execute(schema(this.buffered));
        this.reference.execute(schema(this.reference));
        this.buffer = this.buffered.buffer((properties) -> properties.setMaxPending(10_000));
        this.both = new Both(this.buffer, new ReferenceWrites(this.reference.jdbc));
    }

    @AfterEach
    void closeDatabases() {
        if (this.buffered != null) {
            this.buffered.close();
        }
        if (this.reference != null) {
            this.reference.close();
        }
    }

    private static String[] schema(TestDatabase database) {
        return new String[] {
            "CREATE TABLE progress (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, a TEXT, b INTEGER, c "
                    + database.pick("REAL", "DOUBLE PRECISION") + ")",
            "CREATE TABLE pair (x TEXT, y TEXT, v INTEGER, PRIMARY KEY (x, y))",
            "CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT " + database.pick("COLLATE NOCASE ", "")
                    + "UNIQUE, name TEXT)",
            "CREATE TABLE events (seq " + database.generatedKey() + ", payload TEXT)"
        };
    }

    @Test
    void coalescesRepeatedUpsertsOfOneKey() {
        for (int i = 0; i < 10; i++) {
            this.buffer.upsert("progress", row("id", 1, "code", "c1", "b", i), "id");
        }
        assertThat(this.buffer.stats().pending()).isEqualTo(1);
        assertThat(this.buffer.stats().coalesced()).isEqualTo(9);
        assertThat(this.buffer.flush()).isEqualTo(1);
        assertThat(this.buffered.rows("SELECT b FROM progress WHERE id = 1")).containsExactly(Map.of("b", 9));
        assertThat(this.buffer.stats().flushed()).isEqualTo(1);
        assertThat(this.buffer.stats().buffered()).isEqualTo(10);
    }

    @Test
    void laterValuesWinColumnByColumn() {
        this.both.upsert("progress", row("id", 1, "code", "c1", "a", "first", "b", 1), "id");
        this.both.upsert("progress", row("id", 1, "code", "c1", "b", 2), "id");
        assertSameTables();
        assertThat(this.buffered.rows("SELECT a, b FROM progress")).containsExactly(row("a", "first", "b", 2));
    }

    @Test
    void upsertThenDeleteThenUpsertKeepsNoColumnOfTheFirstUpsert() {
        this.both.upsert("progress", row("id", 1, "code", "c1", "a", "old", "b", 100), "id");
        flushBoth();
        this.both.upsert("progress", row("id", 1, "code", "c1", "a", "first", "c", 1.5), "id");
        this.both.delete("progress", row("id", 1), "id");
        this.both.upsert("progress", row("id", 1, "code", "c1", "b", 7), "id");
        assertSameTables();
        assertThat(this.buffered.rows("SELECT a, b, c FROM progress"))
                .containsExactly(row("a", null, "b", 7, "c", null));
    }

    @Test
    void updateOfAbsentRowDoesNothing() {
        this.both.update("progress", row("id", 5, "a", "x"), "id");
        assertThat(this.buffer.buffered("progress", row("id", 5), "id")).contains(row("id", 5, "a", "x"));
        assertSameTables();
        assertThat(this.buffered.count("progress")).isZero();
    }

    @Test
    void updateBeforeUpsertAppliesOnlyToARowThatExists() {
        this.both.upsert("progress", row("id", 1, "code", "c1", "a", "old", "b", 1), "id");
        flushBoth();
        for (int id : new int[] {1, 2}) {
            this.both.update("progress", row("id", id, "a", "updated"), "id");
            this.both.upsert("progress", row("id", id, "code", "c" + id, "b", 2), "id");
        }
        assertSameTables();
        assertThat(this.buffered.rows("SELECT id, a, b FROM progress ORDER BY id"))
                .containsExactly(row("id", 1, "a", "updated", "b", 2), row("id", 2, "a", null, "b", 2));
    }

    @Test
    void mixedSequencesOnOneKeyMatchTheCallsAppliedInOrder() {
        List<Scenario> scenarios = List.of(
                (w, id) -> {
                    w.upsert("progress", progress(id, "a", "1"), "id");
                    w.upsert("progress", progress(id, "b", 2), "id");
                },
                (w, id) -> {
                    w.upsert("progress", progress(id, "a", "1"), "id");
                    w.delete("progress", row("id", id), "id");
                },
                (w, id) -> {
                    w.upsert("progress", progress(id, "a", "1", "b", 1), "id");
                    w.delete("progress", row("id", id), "id");
                    w.upsert("progress", progress(id, "c", 3.0), "id");
                },
                (w, id) -> w.update("progress", row("id", id, "a", "1"), "id"),
                (w, id) -> {
                    w.update("progress", row("id", id, "a", "1"), "id");
                    w.upsert("progress", progress(id, "b", 2), "id");
                },
                (w, id) -> {
                    w.delete("progress", row("id", id), "id");
                    w.update("progress", row("id", id, "a", "1"), "id");
                },
                (w, id) -> {
                    w.delete("progress", row("id", id), "id");
                    w.upsert("progress", progress(id, "a", "1"), "id");
                    w.update("progress", row("id", id, "b", 2), "id");
                },
                (w, id) -> {
                    w.upsert("progress", progress(id, "a", "1"), "id");
                    w.update("progress", row("id", id, "b", 2), "id");
                    w.delete("progress", row("id", id), "id");
                    w.update("progress", row("id", id, "c", 3.0), "id");
                    w.upsert("progress", progress(id, "a", "4"), "id");
                },
                (w, id) -> {
                    w.update("progress", row("id", id, "a", "1"), "id");
                    w.delete("progress", row("id", id), "id");
                    w.upsert("progress", progress(id, "b", 2), "id");
                    w.update("progress", row("id", id, "a", "5"), "id");
                },
                (w, id) -> w.upsert("progress", progress(id), "id"),
                (w, id) -> {
                    w.update("progress", row("id", id, "a", "1"), "id");
                    w.update("progress", row("id", id, "a", null), "id");
                },
                (w, id) -> {
                    w.upsert("progress", progress(id, "a", "1"), "id");
                    w.upsert("progress", progress(id, "a", null), "id");
                },
                (w, id) -> {
                    w.delete("progress", row("id", id), "id");
                    w.delete("progress", row("id", id), "id");
                });
        // Each scenario on a row that exists before the calls and on one that does not.
        int id = 0;
        for (Scenario scenario : scenarios) {
            this.both.upsert("progress", progress(id, "a", "old", "b", 100, "c", 1.5), "id");
            id += 2;
        }
        flushBoth();
        id = 0;
        for (Scenario scenario : scenarios) {
            scenario.apply(this.both, id);
            scenario.apply(this.both, id + 1);
            id += 2;
        }
        assertThat(this.buffer.stats().coalesced()).isPositive();
        assertSameTables();
    }

    @Test
    void callsOnOneRowByAnotherKeyKeepTheirOrder() {
        this.both.upsert("progress", progress(1, "a", "1"), "id");
        this.both.update("progress", row("code", "c1", "a", "2"), "code");
        this.both.upsert("progress", progress(1, "b", 3), "id");
        this.both.delete("progress", row("code", "c1"), "code");
        this.both.upsert("progress", progress(2, "a", "x"), "id");
        this.both.insert("progress", progress(2, "a", "inserted"));
        this.both.delete("progress", row("id", 2), "id");
        assertSameTables();
        assertThat(this.buffered.count("progress")).isZero();
        assertThat(this.buffer.stats().deadLetters()).isEqualTo(1);
    }

    @Test
    void keysAreComparedByValueNotByJoinedString() {
        this.both.upsert("pair", row("x", "a|b", "y", "c", "v", 1), "x", "y");
        this.both.upsert("pair", row("x", "a", "y", "b|c", "v", 2), "x", "y");
        this.both.upsert("pair", row("y", "c", "x", "a|b", "v", 3), "y", "x");
        assertThat(this.buffer.stats().pending()).isEqualTo(2);
        assertThat(this.buffer.stats().coalesced()).isEqualTo(1);
        assertSameTables();
        assertThat(this.buffered.count("pair")).isEqualTo(2);
    }

    @Test
    void keysThatPostgresHoldsEqualAreOneRow() {
        assumeTrue(this.kind == TestDatabase.Kind.POSTGRESQL, "PostgreSQL's typed keys");
        this.both.upsert("progress", row("id", 7, "code", "c7", "b", 1), "id");
        this.both.upsert("progress", row("id", 7L, "code", "c7", "b", 2), "id");
        this.both.upsert("progress", row("id", (short) 7, "code", "c7", "b", 3), "id");
        this.both.upsert("progress", row("id", new BigDecimal("7.00"), "code", "c7", "b", 4), "id");
        this.both.upsert("pair", row("x", "A", "y", "b", "v", 1), "x", "y");
        this.both.upsert("pair", row("x", "a", "y", "b", "v", 2), "x", "y");
        assertThat(this.buffer.stats().pending()).isEqualTo(3);
        assertSameTables();
        assertThat(this.buffered.rows("SELECT b FROM progress")).containsExactly(row("b", 4));
        assertThat(this.buffered.count("pair")).isEqualTo(2);
    }

    @Test
    void keysThatSqliteTreatsAsEqualAreOneRow() {
        assumeTrue(this.kind == TestDatabase.Kind.SQLITE, "SQLite's affinities and NOCASE collation");
        this.both.upsert("progress", row("id", 7, "code", "c7", "b", 1), "id");
        this.both.upsert("progress", row("id", 7L, "code", "c7", "b", 2), "id");
        this.both.upsert("progress", row("id", "7", "code", "c7", "b", 3), "id");
        this.both.upsert("person", row("id", 1, "email", "Ann@Example.com", "name", "Ann"), "email");
        this.both.upsert("person", row("id", 1, "email", "ann@example.com", "name", "Annie"), "email");
        assertThat(this.buffer.stats().pending()).isEqualTo(2);
        assertSameTables();
        assertThat(this.buffered.rows("SELECT b FROM progress")).containsExactly(row("b", 3));
        assertThat(this.buffered.rows("SELECT name FROM person")).containsExactly(row("name", "Annie"));
    }

    @Test
    void bufferedShowsThePendingStateOfARow() {
        assertThat(this.buffer.buffered("progress", row("id", 1), "id")).isEmpty();
        this.buffer.upsert("progress", progress(1, "a", "1"), "id");
        this.buffer.update("progress", row("id", 1, "b", 2), "id");
        assertThat(this.buffer.buffered("progress", row("id", 1), "id"))
                .contains(row("id", 1, "code", "c1", "a", "1", "b", 2));
        this.buffer.delete("progress", row("id", 1), "id");
        assertThat(this.buffer.buffered("progress", row("id", 1), "id")).contains(Map.of());
        this.buffer.upsert("progress", progress(1, "c", 2.5), "id");
        assertThat(this.buffer.buffered("progress", row("id", 1), "id")).contains(row("id", 1, "code", "c1", "c", 2.5));
        this.buffer.update("progress", row("code", "c1", "a", "by code"), "code");
        assertThat(this.buffer.buffered("progress", row("code", "c1"), "code"))
                .contains(row("code", "c1", "a", "by code"));
        assertThat(this.buffered.count("progress")).isZero();
        this.buffer.flush();
        assertThat(this.buffer.buffered("progress", row("id", 1), "id")).isEmpty();
        assertThat(this.buffered.rows("SELECT id, code, a, b, c FROM progress"))
                .containsExactly(row("id", 1, "code", "c1", "a", "by code", "b", null, "c", 2.5));
    }

    @Test
    void insertsAreNeverCoalescedAndKeepArrivalOrder() {
        for (int i = 0; i < 50; i++) {
            this.buffer.insert("events", row("payload", "e" + i));
        }
        assertThat(this.buffer.stats().pending()).isEqualTo(50);
        assertThat(this.buffer.flush()).isEqualTo(50);
        assertThat(this.buffered.jdbc.queryForList("SELECT payload FROM events ORDER BY seq", String.class))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50)
                        .mapToObj((i) -> "e" + i)
                        .toList());
    }

    @Test
    void randomizedSequencesMatchTheCallsAppliedInOrder() {
        Random random = new Random(20240601L);
        for (int id = 0; id < 30; id++) {
            this.both.upsert("progress", progress(id, "a", "seed", "b", id, "c", id / 2.0), "id");
        }
        flushBoth();
        int events = 0;
        for (int call = 0; call < 4000; call++) {
            int id = random.nextInt(60);
            int kind = random.nextInt(100);
            if (kind < 35) {
                this.both.upsert("progress", progress(id, randomColumns(random)), "id");
            } else if (kind < 55) {
                Map<String, Object> row = row("id", id);
                row.putAll(randomColumns(random));
                this.both.update("progress", row, "id");
            } else if (kind < 65) {
                this.both.delete("progress", row("id", id), "id");
            } else if (kind < 75) {
                this.both.upsert("progress", progress(id, randomColumns(random)), "code");
            } else if (kind < 82) {
                Map<String, Object> row = row("code", "c" + id);
                row.putAll(randomColumns(random));
                this.both.update("progress", row, "code");
            } else if (kind < 87) {
                this.both.delete("progress", row("code", "c" + id), "code");
            } else if (kind < 92) {
                this.both.insert("progress", progress(id, randomColumns(random)));
            } else if (kind < 99) {
                this.both.insert("events", row("seq", events++, "payload", "call " + call));
            } else {
                this.buffer.flush();
            }
        }
        assertThat(this.buffer.stats().coalesced()).isPositive();
        assertSameTables();
    }

    private static Map<String, Object> randomColumns(Random random) {
        Map<String, Object> columns = new LinkedHashMap<>();
        if (random.nextBoolean()) {
            columns.put("a", random.nextInt(5) == 0 ? null : "a" + random.nextInt(1000));
        }
        if (random.nextBoolean()) {
            columns.put("b", random.nextInt(5) == 0 ? null : random.nextInt(1000));
        }
        if (random.nextBoolean()) {
            columns.put("c", random.nextInt(5) == 0 ? null : random.nextInt(1000) / 4.0);
        }
        return columns;
    }

    private void flushBoth() {
        this.buffer.flush();
    }

    private void assertSameTables() {
        this.buffer.flush();
        assertThat(this.buffer.stats().pending()).isZero();
        for (String query : List.of(
                "SELECT * FROM progress ORDER BY id",
                "SELECT * FROM pair ORDER BY x, y",
                "SELECT * FROM person ORDER BY id",
                "SELECT * FROM events ORDER BY seq")) {
            assertThat(this.buffered.rows(query)).as(query).isEqualTo(this.reference.rows(query));
        }
    }

    private static Map<String, Object> progress(int id, Object... columns) {
        Map<String, Object> row = row("id", id, "code", "c" + id);
        row.putAll(row(columns));
        return row;
    }

    private static Map<String, Object> progress(int id, Map<String, Object> columns) {
        Map<String, Object> row = row("id", id, "code", "c" + id);
        row.putAll(columns);
        return row;
    }

    static Map<String, Object> row(Object... columnsAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    /** A sequence of calls on one row. */
    @FunctionalInterface
    interface Scenario {

        void apply(Both writes, int id);
    }

    /** Applies each call to the buffer and to the reference. */
    static final class Both {

        private final WriteBuffer buffer;

        private final ReferenceWrites reference;

        private final Map<String, Integer> calls = new HashMap<>();

        Both(WriteBuffer buffer, ReferenceWrites reference) {
            this.buffer = buffer;
            this.reference = reference;
        }

        void upsert(String table, Map<String, ?> row, String... keyColumns) {
            this.buffer.upsert(table, row, keyColumns);
            this.reference.upsert(table, row, keyColumns);
            this.calls.merge("upsert", 1, Integer::sum);
        }

        void update(String table, Map<String, ?> row, String... keyColumns) {
            this.buffer.update(table, row, keyColumns);
            this.reference.update(table, row, keyColumns);
            this.calls.merge("update", 1, Integer::sum);
        }

        void delete(String table, Map<String, ?> key, String... keyColumns) {
            this.buffer.delete(table, key, keyColumns);
            this.reference.delete(table, key, keyColumns);
            this.calls.merge("delete", 1, Integer::sum);
        }

        void insert(String table, Map<String, ?> row) {
            this.buffer.insert(table, row);
            this.reference.insert(table, row);
            this.calls.merge("insert", 1, Integer::sum);
        }
    }
}
