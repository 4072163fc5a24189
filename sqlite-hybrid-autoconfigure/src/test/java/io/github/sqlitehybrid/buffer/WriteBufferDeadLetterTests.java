package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.buffer.WriteBufferStats.DeadLetter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A row the database refuses never sinks its batch: it goes to the dead letters and the rest commits. */
@Timeout(60)
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class WriteBufferDeadLetterTests {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path dir;

    private TestDatabase database;

    private WriteBuffer buffer;

    @BeforeEach
    void createDatabase() {
        this.database = TestDatabase.create(this.kind, this.dir, "dead-letters");
        this.database.execute(
                "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER NOT NULL"
                        + " CHECK (percent BETWEEN 0 AND 100), note TEXT)",
                "CREATE TABLE events (id " + this.database.generatedKey() + ", payload TEXT NOT NULL)",
                "CREATE TABLE log (payload TEXT NOT NULL)",
                "CREATE TABLE guarded (id INTEGER PRIMARY KEY, payload TEXT)");
        // SQLite: a refusal that rolls back the whole transaction; PostgreSQL: a trigger's exception, which
        // aborts the transaction as every failed statement there does.
        this.database.execute(
                this.database.isSqlite()
                        ? new String[] {
                            "CREATE TRIGGER guard BEFORE INSERT ON guarded WHEN new.payload = 'poison'"
                                    + " BEGIN SELECT RAISE(ROLLBACK, 'poison refused'); END"
                        }
                        : new String[] {
                            "CREATE FUNCTION guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.payload = 'poison'"
                                    + " THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$",
                            "CREATE TRIGGER guard BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION guard()"
                        });
        this.buffer = this.database.buffer((properties) -> properties.setDeadLetterCapacity(3));
    }

    @AfterEach
    void closeDatabase() {
        if (this.database != null) {
            this.database.close();
        }
    }

    @Test
    void poisonRowAmongNinetyNineGoodOnesIsSetAsideAndTheRestIsWritten() {
        for (int id = 1; id <= 100; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", (id == 50) ? 150 : id % 100), "job_id");
        }
        assertThat(this.buffer.flush()).isEqualTo(99);
        assertThat(this.database.count("progress")).isEqualTo(99);
        assertThat(this.database.count("progress WHERE job_id = 50")).isZero();
        WriteBufferStats stats = this.buffer.stats();
        assertThat(stats.pending()).isZero();
        assertThat(stats.flushed()).isEqualTo(99);
        assertThat(stats.deadLetters()).isEqualTo(1);
        assertThat(stats.failed()).isZero();
        DeadLetter deadLetter = stats.recentDeadLetters().get(0);
        assertThat(deadLetter.table()).isEqualTo("progress");
        assertThat(deadLetter.operation()).isEqualTo("upsert");
        assertThat(deadLetter.key()).isEqualTo(Map.of("job_id", 50));
        assertThat(deadLetter.values()).isEqualTo(Map.of("percent", 150));
        assertThat(deadLetter.error())
                .contains(this.database.pick("CHECK constraint failed", "violates check constraint"));
    }

    @Test
    void refusedInsertIsSetAsideAndLaterInsertsKeepTheirOrder() {
        for (int i = 0; i < 10; i++) {
            this.buffer.insert("events", row("payload", (i == 4) ? null : "e" + i));
        }
        assertThat(this.buffer.flush()).isEqualTo(9);
        assertThat(this.database.jdbc.queryForList("SELECT payload FROM events ORDER BY id", String.class))
                .containsExactly("e0", "e1", "e2", "e3", "e5", "e6", "e7", "e8", "e9");
        DeadLetter deadLetter = this.buffer.stats().recentDeadLetters().get(0);
        assertThat(deadLetter.operation()).isEqualTo("insert");
        assertThat(deadLetter.error())
                .contains(this.database.pick("NOT NULL constraint failed", "violates not-null constraint"));
    }

    @Test
    void refusedDeleteThenInsertLeavesTheRowAsItWas() {
        this.database.execute("INSERT INTO progress (job_id, percent, note) VALUES (7, 70, 'kept')");
        this.buffer.delete("progress", row("job_id", 7), "job_id");
        this.buffer.upsert("progress", row("job_id", 7, "percent", 500), "job_id");
        this.buffer.upsert("progress", row("job_id", 8, "percent", 80), "job_id");
        assertThat(this.buffer.flush()).isEqualTo(1);
        assertThat(this.database.rows("SELECT job_id, percent, note FROM progress ORDER BY job_id"))
                .containsExactly(
                        row("job_id", 7, "percent", 70, "note", "kept"), row("job_id", 8, "percent", 80, "note", null));
        assertThat(this.buffer.stats().recentDeadLetters().get(0).operation()).isEqualTo("delete-then-insert");
    }

    @Test
    void refusalThatEndsTheWholeTransactionDoesNotSinkTheBatch() {
        for (int id = 1; id <= 20; id++) {
            this.buffer.insert("guarded", row("id", id, "payload", (id == 5 || id == 15) ? "poison" : "ok"));
        }
        assertThat(this.buffer.flush()).isEqualTo(18);
        assertThat(this.database.count("guarded")).isEqualTo(18);
        assertThat(this.buffer.stats().deadLetters()).isEqualTo(2);
        assertThat(this.buffer.stats().recentDeadLetters())
                .allSatisfy((deadLetter) -> assertThat(deadLetter.error()).contains("poison refused"));
    }

    @Test
    void everyOtherRowOfABatchWithRefusedRowsIsWrittenExactlyOnce() {
        // No key on this table: a row written twice would show as a duplicate.
        WriteBuffer batches = this.database.buffer((properties) -> properties.setFlushBatchSize(40));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean refused = i % 17 == 3;
            batches.insert("log", row("payload", refused ? null : "p" + i));
            if (!refused) {
                expected.add("p" + i);
            }
        }
        assertThat(batches.flush()).isEqualTo(expected.size());
        assertThat(this.database.jdbc.queryForList("SELECT payload FROM log", String.class))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(batches.stats().deadLetters()).isEqualTo(100 - expected.size());
        assertThat(batches.stats().failed()).isZero();
    }

    @Test
    void deadLettersAreBoundedAndCountedInFull() {
        for (int id = 1; id <= 5; id++) {
            this.buffer.upsert("progress", row("job_id", id, "percent", -id), "job_id");
        }
        assertThat(this.buffer.flush()).isZero();
        WriteBufferStats stats = this.buffer.stats();
        assertThat(stats.deadLetters()).isEqualTo(5);
        assertThat(stats.recentDeadLetters())
                .extracting((deadLetter) -> deadLetter.key().get("job_id"))
                .containsExactly(3, 4, 5);
        assertThat(stats.pending()).isZero();
    }

    @Test
    void goodRowsAfterARefusedOneInAnotherBatchAreWritten() {
        WriteBuffer small = this.database.buffer((properties) -> properties.setFlushBatchSize(3));
        for (int id = 1; id <= 10; id++) {
            small.upsert("progress", row("job_id", id, "percent", (id == 2 || id == 9) ? 101 : id), "job_id");
        }
        assertThat(small.flush()).isEqualTo(8);
        assertThat(this.database.jdbc.queryForList("SELECT job_id FROM progress ORDER BY job_id", Integer.class))
                .containsExactly(1, 3, 4, 5, 6, 7, 8, 10);
    }
}
