package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.sqlitehybrid.retry.DbRetryTemplate;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Names are checked against the live schema at the call; a refused call buffers nothing. */
@Timeout(60)
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class WriteBufferValidationTests {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path dir;

    private TestDatabase database;

    private WriteBuffer buffer;

    @BeforeEach
    void createDatabase() {
        this.database = TestDatabase.create(this.kind, this.dir, "validation");
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
        if (this.database != null) {
            this.database.close();
        }
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
    void valueTheColumnCannotTakeIsRefusedAtTheCallNamingTableAndColumn() {
        assumeTrue(this.kind == TestDatabase.Kind.POSTGRESQL, "SQLite columns take any value");
        this.database.execute("CREATE TABLE typed (id BIGINT PRIMARY KEY, small SMALLINT, code VARCHAR(3),"
                + " seen TIMESTAMP, at TIMESTAMPTZ, flag BOOLEAN, ratio REAL)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1, "percent", "5"), "job_id"))
                .withMessageContaining("Column 'percent' of table 'progress' (int4) cannot take the value '5'")
                .withMessageContaining("java.lang.String");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", 1, "percent", 3_000_000_000L), "job_id"))
                .withMessageContaining("Column 'percent' of table 'progress'")
                .withMessageContaining("out of range");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("progress", row("job_id", "1"), "job_id"))
                .withMessageContaining("Column 'job_id' of table 'progress'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("typed", row("id", 1, "small", 40_000)))
                .withMessageContaining("Column 'small' of table 'typed'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("typed", row("id", 1, "code", "abcd")))
                .withMessageContaining("Column 'code' of table 'typed'")
                .withMessageContaining("3 characters");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("typed", row("id", 1, "seen", Instant.now())))
                .withMessageContaining("Column 'seen' of table 'typed'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("typed", row("id", 1, "flag", 1)))
                .withMessageContaining("Column 'flag' of table 'typed'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.insert("typed", row("id", 1, "ratio", 1e300)))
                .withMessageContaining("Column 'ratio' of table 'typed'");
        assertNothingBuffered();
    }

    @Test
    void valuesAreConvertedOnlyWithoutLoss() {
        assumeTrue(this.kind == TestDatabase.Kind.POSTGRESQL, "SQLite columns take any value");
        this.database.execute("CREATE TABLE typed (id BIGINT PRIMARY KEY, small SMALLINT, amount NUMERIC(10, 2),"
                + " seen TIMESTAMP, at TIMESTAMPTZ, flag INTEGER, ratio DOUBLE PRECISION, data BYTEA, day DATE)");
        Instant at = Instant.parse("2026-11-24T18:00:00.123456Z");
        LocalDateTime seen = LocalDateTime.parse("2026-11-24T19:00:00");
        this.buffer.upsert(
                "typed",
                row(
                        "id",
                        1,
                        "small",
                        (byte) 7,
                        "amount",
                        12.5,
                        "seen",
                        seen,
                        "at",
                        at,
                        "flag",
                        true,
                        "ratio",
                        3,
                        "data",
                        new byte[] {1, 2},
                        "day",
                        LocalDate.parse("2026-11-24")),
                "id");
        this.buffer.upsert(
                "typed",
                row(
                        "id",
                        new BigInteger("2"),
                        "amount",
                        new BigDecimal("0.10"),
                        "at",
                        at.atZone(ZoneId.of("Europe/Paris")),
                        "flag",
                        false),
                "id");
        assertThat(this.buffer.flush()).isEqualTo(2);
        Map<String, Object> first = this.database.jdbc.queryForMap(
                "SELECT small, amount, seen, at, flag, ratio, data, day FROM typed WHERE id = 1");
        assertThat(first.get("small")).isEqualTo(7);
        assertThat(first.get("amount")).isEqualTo(new BigDecimal("12.50"));
        assertThat(first.get("seen")).isEqualTo(Timestamp.valueOf(seen));
        assertThat(((Timestamp) first.get("at")).toInstant()).isEqualTo(at);
        assertThat(first.get("flag")).isEqualTo(1);
        assertThat(first.get("ratio")).isEqualTo(3.0);
        assertThat((byte[]) first.get("data")).containsExactly(1, 2);
        assertThat(first.get("day")).isEqualTo(java.sql.Date.valueOf("2026-11-24"));
        Map<String, Object> second = this.database.jdbc.queryForMap("SELECT amount, at, flag FROM typed WHERE id = 2");
        assertThat(second.get("amount")).isEqualTo(new BigDecimal("0.10"));
        assertThat(((Timestamp) second.get("at")).toInstant()).isEqualTo(at);
        assertThat(second.get("flag")).isEqualTo(0);
    }

    @Test
    void tableAndColumnsAreFoundAsPostgresFoldsUnquotedNames() {
        assumeTrue(this.kind == TestDatabase.Kind.POSTGRESQL, "PostgreSQL's case folding");
        this.database.execute(
                "CREATE TABLE \"Mixed\" (\"Id\" INTEGER PRIMARY KEY, \"Value\" TEXT, value TEXT)",
                // Names are LIKE patterns in JDBC metadata: '_' must match itself, not any character.
                "CREATE TABLE job_progress (job_id INTEGER PRIMARY KEY, v INTEGER)",
                "CREATE TABLE jobxprogress (other_id INTEGER PRIMARY KEY)");
        this.buffer.upsert("Mixed", row("Id", 1, "Value", "quoted", "value", "folded"), "Id");
        this.buffer.upsert("PROGRESS", row("JOB_ID", 1, "Percent", 5), "Job_Id");
        this.buffer.upsert("job_progress", row("job_id", 1, "v", 7), "job_id");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.buffer.upsert("mixed", row("Id", 1), "Id"))
                .withMessageContaining("Unknown table 'mixed'");
        assertThat(this.buffer.flush()).isEqualTo(3);
        assertThat(this.database.rows("SELECT job_id, v FROM job_progress")).containsExactly(row("job_id", 1, "v", 7));
        assertThat(this.database.rows("SELECT \"Value\" AS q, value AS f FROM \"Mixed\""))
                .containsExactly(row("q", "quoted", "f", "folded"));
        assertThat(this.database.rows("SELECT job_id, percent FROM progress"))
                .containsExactly(row("job_id", 1, "percent", 5));
    }

    @Test
    void unsupportedDatabaseIsRefusedWithAClearMessage() {
        DataSource mysql = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connection("MySQL");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        DbRetryTemplate retry = this.database.retryTemplate(TestDatabase.QUICK_RETRIES);
        WriteBuffer other = new WriteBuffer(mysql, new WriteBufferProperties(), retry);
        assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> other.upsert("progress", row("job_id", 1), "job_id"))
                .withMessageContaining("works with SQLite and PostgreSQL")
                .withMessageContaining("MySQL")
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
