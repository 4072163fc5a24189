package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.sqlitehybrid.retry.DbRetryTemplate;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Names are checked against the live schema at the call; a refused call buffers nothing. */
@Timeout(60)
class WriteBufferValidationTests {

    @TempDir
    Path dir;

    private TestDatabase database;

    private WriteBuffer buffer;

    @BeforeEach
    void createDatabase() {
        this.database = new TestDatabase(this.dir.resolve("validation.db"));
        this.database.execute(
                "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, worker TEXT, percent INTEGER)",
                "CREATE TABLE member (org TEXT NOT NULL, login TEXT NOT NULL, team TEXT, role TEXT)",
                "CREATE UNIQUE INDEX member_login ON member (login, org)",
                "CREATE UNIQUE INDEX member_active ON member (team) WHERE role = 'lead'",
                "CREATE VIEW progress_view AS SELECT * FROM progress");
        this.buffer = this.database.buffer();
    }

    @AfterEach
    void closeDatabase() {
        this.database.close();
    }

    @Test
    void unknownTableIsRefusedAtTheCall() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progres", row("job_id", 1), "job_id"))
                .withMessageContaining("Unknown table 'progres'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("progress_view", row("job_id", 1)))
                .withMessageContaining("Unknown table 'progress_view'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("sqlite_master", row("name", "x")))
                .withMessageContaining("Unknown table 'sqlite_master'");
        assertNothingBuffered();
    }

    @Test
    void tableNameWithSqlInItIsRefusedAndNeverRun() {
        for (String table : new String[] {
            "progress; DROP TABLE progress", "progress\" (job_id) VALUES (1); DROP TABLE progress; --", "progress --"
        }) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> this.buffer.upsert(table, row("job_id", 1), "job_id"))
                    .withMessageContaining("Unknown table '" + table + "'");
        }
        assertNothingBuffered();
        assertThat(this.database.count("progress")).isZero();
    }

    @Test
    void unknownColumnIsRefusedAtTheCall() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1, "percnt", 5), "job_id"))
                .withMessageContaining("Unknown column 'percnt' in table 'progress'")
                .withMessageContaining("[job_id, worker, percent]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("progress", row("percent\" = 1; --", 5)))
                .withMessageContaining("Unknown column 'percent\" = 1; --'");
        assertNothingBuffered();
    }

    @Test
    void keyColumnsThatAreNotUniqueAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1, "worker", "w"), "worker"))
                .withMessageContaining("Key columns [worker] of table 'progress'")
                .withMessageContaining("neither its PRIMARY KEY nor the columns of a UNIQUE index")
                .withMessageContaining("[[job_id]]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("member", row("org", "o", "login", "l"), "login"))
                .withMessageContaining("Key columns [login] of table 'member'");
        // A partial index is no conflict target.
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.update("member", row("team", "t", "role", "x"), "team"))
                .withMessageContaining("Key columns [team]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.delete("progress", row("job_id", 1), "job_id", "job_id"))
                .withMessageContaining("Key columns [job_id, job_id]");
        assertNothingBuffered();
    }

    @Test
    void uniqueIndexColumnsInAnyOrderAndAnyCaseAreAKey() {
        this.buffer.upsert("MEMBER", row("Org", "o", "LOGIN", "l", "team", "t1"), "org", "Login");
        this.buffer.upsert("member", row("login", "l", "org", "o", "team", "t2"), "login", "org");
        assertThat(this.buffer.stats().pending()).isEqualTo(1);
        this.buffer.flush();
        assertThat(this.database.rows("SELECT org, login, team FROM member"))
                .containsExactly(row("org", "o", "login", "l", "team", "t2"));
    }

    @Test
    void missingOrNullKeyValuesAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("percent", 1), "job_id"))
                .withMessageContaining("Key column 'job_id' of table 'progress' has no value");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.update("progress", row("job_id", null, "percent", 1), "job_id"))
                .withMessageContaining("Key column 'job_id' of table 'progress' is null");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1)))
                .withMessageContaining("No key columns given for table 'progress'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.delete("progress", row("job_id", 1, "percent", 3), "job_id"))
                .withMessageContaining("delete on table 'progress' takes only the key columns [job_id], not 'percent'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1, "JOB_ID", 2), "job_id"))
                .withMessageContaining("Column 'job_id' of table 'progress' is given twice");
        assertNothingBuffered();
    }

    @Test
    void schemaChangesAfterTheFirstCallAreSeen() {
        this.buffer.upsert("progress", row("job_id", 1, "percent", 1), "job_id");
        this.database.execute(
                "ALTER TABLE progress ADD COLUMN eta INTEGER", "CREATE TABLE later (id INTEGER PRIMARY KEY)");
        this.buffer.upsert("progress", row("job_id", 2, "eta", 30), "job_id");
        this.buffer.insert("later", row("id", 1));
        assertThat(this.buffer.flush()).isEqualTo(3);
        assertThat(this.database.rows("SELECT job_id, eta FROM progress ORDER BY job_id"))
                .containsExactly(row("job_id", 1, "eta", null), row("job_id", 2, "eta", 30));
    }

    @Test
    void nonSqliteDataSourceIsRefusedWithAClearMessage() {
        DataSource postgres = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connection("PostgreSQL");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        DbRetryTemplate retry = this.database.retryTemplate(TestDatabase.QUICK_RETRIES);
        WriteBuffer other = new WriteBuffer(postgres, new WriteBufferProperties(), retry);
        assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> other.upsert("progress", row("job_id", 1), "job_id"))
                .withMessageContaining("SQLite only")
                .withMessageContaining("PostgreSQL")
                .withMessageContaining("sqlite.hybrid.write-buffer.enabled=false");
    }

    private static Connection connection(String product) {
        DatabaseMetaData metaData = (DatabaseMetaData) Proxy.newProxyInstance(
                WriteBufferValidationTests.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class},
                (proxy, method, args) -> method.getName().equals("getDatabaseProductName") ? product : null);
        return (Connection) Proxy.newProxyInstance(
                WriteBufferValidationTests.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMetaData" -> metaData;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private void assertNothingBuffered() {
        WriteBufferStats stats = this.buffer.stats();
        assertThat(stats.pending()).isZero();
        assertThat(stats.buffered()).isZero();
        assertThat(stats.pendingByTable()).isEqualTo(Map.of());
    }
}
