package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.writer.GroupCommitAutoConfiguration;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import tools.jackson.core.type.TypeReference;

/**
 * The JSON the endpoint answers over HTTP, written by the actuator's own mapper: the keys of every section, which
 * dashboards and scripts read, stay exactly as documented.
 */
class DbLocksEndpointJsonTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    EndpointAutoConfiguration.class,
                    JacksonEndpointAutoConfiguration.class,
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    GroupCommitAutoConfiguration.class,
                    WriteBufferAutoConfiguration.class,
                    LogDatabaseAutoConfiguration.class,
                    DbLocksEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=dblocks");

    private ApplicationContextRunner withEveryPart() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
                "sqlite.hybrid.log-database.enabled=true",
                "sqlite.hybrid.log-database.path=" + this.dir.resolve("logs.db"));
    }

    @Test
    void everySectionHasItsDocumentedKeys() {
        withEveryPart().run((context) -> {
            useEveryPart(context);
            Map<String, Object> report =
                    json(context, context.getBean(DbLocksEndpoint.class).dblocks());

            assertThat(report)
                    .containsOnlyKeys("retry", "database", "writer", "groupCommit", "writeBuffer", "logDatabase");
            assertThat(section(report, "retry"))
                    .containsOnlyKeys(
                            "calls",
                            "lockErrors",
                            "retries",
                            "recoveries",
                            "failures",
                            "failureRate",
                            "avgWaitMs",
                            "maxWaitMs",
                            "lastLockEvent",
                            "lockErrorsPerMinute",
                            "outcomes",
                            "lockErrorCodes",
                            "methods");
            assertThat(section(section(report, "retry"), "lastLockEvent")).containsOnlyKeys("time", "method", "code");
            assertThat(section(section(section(report, "retry"), "methods"), "Jobs.claim"))
                    .containsOnlyKeys(
                            "calls",
                            "lockErrors",
                            "retries",
                            "recoveries",
                            "failures",
                            "failureRate",
                            "avgWaitMs",
                            "maxWaitMs",
                            "lastLockEvent",
                            "outcomes",
                            "lockErrorCodes");
            assertThat(section(report, "database"))
                    .containsOnlyKeys("product", "version", "path", "journalMode", "pragmas", "walSizeBytes");
            // The holder appears while a writer holds the turn; here it is free.
            assertThat(section(report, "writer"))
                    .containsOnlyKeys(
                            "waiting",
                            "acquisitions",
                            "timeouts",
                            "longTransactions",
                            "avgWaitMs",
                            "maxWaitMs",
                            "avgHoldMs",
                            "maxHoldMs",
                            "locks",
                            "lockFailures",
                            "totalLockWaitMs",
                            "avgLockWaitMs",
                            "maxLockWaitMs",
                            "longReadTransactions",
                            "longReads",
                            "coalescing");
            assertThat(section(section(report, "writer"), "coalescing"))
                    .containsOnlyKeys(
                            "commits",
                            "transactions",
                            "avgTransactionsPerCommit",
                            "avgCommitWaitMs",
                            "maxCommitWaitMs");
            assertThat(section(report, "groupCommit"))
                    .containsOnlyKeys(
                            "committedUnits",
                            "failedUnits",
                            "rejectedUnits",
                            "groups",
                            "failedGroups",
                            "meanGroupSize",
                            "largestGroup",
                            "queued",
                            "meanQueueWaitMs",
                            "meanCommitMs",
                            "maxCommitMs");
            assertThat(section(report, "writeBuffer"))
                    .containsOnlyKeys(
                            "pending",
                            "pendingByTable",
                            "buffered",
                            "coalesced",
                            "flushed",
                            "failed",
                            "flushes",
                            "lastFlushTime",
                            "lastFlushDurationMs",
                            "deadLetters",
                            "recentDeadLetters");
            assertThat(section(report, "logDatabase"))
                    .containsOnlyKeys(
                            "path",
                            "logged",
                            "pending",
                            "dropped",
                            "failed",
                            "lastWrite",
                            "fileSizeBytes",
                            "walSizeBytes");
        });
    }

    @Test
    void flushAnswersTheRowsWritten() {
        withEveryPart().run((context) -> {
            new JdbcTemplate(context.getBean(DataSource.class))
                    .execute("CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)");
            context.getBean(WriteBuffer.class).upsert("progress", Map.of("job_id", 1, "percent", 5), "job_id");
            assertThat(json(context, context.getBean(DbLocksEndpoint.class).flush()))
                    .containsOnlyKeys("flushed")
                    .containsEntry("flushed", 1);
        });
    }

    private static void useEveryPart(AssertableApplicationContext context) {
        JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
        jdbc.execute("CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)");
        int[] attempts = new int[1];
        context.getBean(DbRetryTemplate.class).execute("Jobs.claim", () -> {
            if (attempts[0]++ == 0) {
                throw new UncategorizedSQLException(
                        "claim", "UPDATE jobs", new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
            }
            return jdbc.update("INSERT INTO progress (job_id, percent) VALUES (1, 0)");
        });
        context.getBean(GroupCommitWriter.class)
                .execute((unit) -> unit.update("INSERT INTO progress (job_id, percent) VALUES (2, 0)"));
        WriteBuffer buffer = context.getBean(WriteBuffer.class);
        buffer.upsert("progress", Map.of("job_id", 3, "percent", 50), "job_id");
        buffer.flush();
        LoggerFactory.getLogger(DbLocksEndpointJsonTests.class).warn("one line for the log database");
        assertThat(context.getBean(LogDatabase.class).flush(Duration.ofSeconds(10)))
                .isTrue();
    }

    private static Map<String, Object> json(AssertableApplicationContext context, Object answer) {
        var mapper = context.getBean(EndpointJsonMapper.class).get();
        return mapper.readValue(mapper.writeValueAsString(answer), new TypeReference<Map<String, Object>>() {});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> report, String name) {
        assertThat(report).containsKey(name);
        return (Map<String, Object>) report.get(name);
    }
}
