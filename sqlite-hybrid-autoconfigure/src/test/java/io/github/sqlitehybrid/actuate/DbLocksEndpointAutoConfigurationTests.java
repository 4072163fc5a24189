package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.EndpointJson;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.LockStatistics;
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
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class DbLocksEndpointAutoConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    EndpointAutoConfiguration.class,
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    DbLocksEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=dblocks");

    private ApplicationContextRunner withDatabase() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("endpoint.db"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsRetryFiguresPerMethodAndTheDatabaseState() {
        withDatabase().run((context) -> {
            DbRetryTemplate template = context.getBean(DbRetryTemplate.class);
            int[] attempts = new int[1];
            template.execute("JobRepository.claim", () -> {
                if (attempts[0]++ == 0) {
                    throw new UncategorizedSQLException(
                            "claim", "UPDATE jobs", new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
                }
                return 1;
            });
            Map<String, Object> report =
                    EndpointJson.asMap(context.getBean(DbLocksEndpoint.class).dblocks());

            Map<String, Object> retry = (Map<String, Object>) report.get("retry");
            assertThat(retry)
                    .containsKeys(
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
                            "methods")
                    .containsEntry("calls", 1L)
                    .containsEntry("lockErrors", 1L)
                    .containsEntry("retries", 1L)
                    .containsEntry("recoveries", 1L)
                    .containsEntry("failures", 0L)
                    .containsEntry("lockErrorsPerMinute", 0.2);
            assertThat((Map<String, Object>) retry.get("lastLockEvent"))
                    .containsEntry("method", "JobRepository.claim")
                    .containsEntry("code", "SQLITE_BUSY_SNAPSHOT")
                    .containsKey("time");
            Map<String, Object> methods = (Map<String, Object>) retry.get("methods");
            assertThat((Map<String, Object>) methods.get("JobRepository.claim"))
                    .containsEntry("calls", 1L)
                    .containsEntry("recoveries", 1L);

            Map<String, Object> database = (Map<String, Object>) report.get("database");
            assertThat(database)
                    .containsEntry("product", "SQLite")
                    .containsEntry("path", this.dir.resolve("endpoint.db").toString())
                    .containsEntry("journalMode", "wal")
                    .containsKey("walSizeBytes");
            assertThat((Map<String, Object>) database.get("pragmas"))
                    .containsEntry("journal_mode", "wal")
                    .containsEntry("busy_timeout", 5000L)
                    .containsEntry("synchronous", 1L)
                    .containsKeys("cache_size", "mmap_size", "wal_autocheckpoint");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsTheLogDatabaseWhenItIsEnabled() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(LogDatabaseAutoConfiguration.class))
                .withPropertyValues(
                        "sqlite.hybrid.log-database.enabled=true",
                        "sqlite.hybrid.log-database.path=" + this.dir.resolve("logs.db"))
                .run((context) -> {
                    LogDatabase logDatabase = context.getBean(LogDatabase.class);
                    LoggerFactory.getLogger(DbLocksEndpointAutoConfigurationTests.class)
                            .warn("counted in the logDatabase section");
                    assertThat(logDatabase.flush(Duration.ofSeconds(10))).isTrue();
                    Map<String, Object> report = EndpointJson.asMap(
                            context.getBean(DbLocksEndpoint.class).dblocks());

                    assertThat(report).containsKeys("retry", "database", "logDatabase");
                    assertThat((Map<String, Object>) report.get("logDatabase"))
                            .containsEntry("path", this.dir.resolve("logs.db").toString())
                            .containsEntry("pending", 0L)
                            .containsEntry("dropped", 0L)
                            .containsEntry("failed", 0L)
                            .containsKeys("logged", "lastWrite", "fileSizeBytes", "walSizeBytes")
                            .doesNotContainKey("lastError")
                            .hasEntrySatisfying(
                                    "logged",
                                    (logged) -> assertThat((Long) logged).isPositive());
                });
    }

    @Test
    void hasNoLogDatabaseSectionWhenItIsOff() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(LogDatabaseAutoConfiguration.class))
                .run((context) -> assertThat(EndpointJson.asMap(
                                context.getBean(DbLocksEndpoint.class).dblocks()))
                        .doesNotContainKey("logDatabase"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsTheWriteTurnAndGroupCommitWithTheSingleWriter() {
        withDatabase()
                .withConfiguration(
                        AutoConfigurations.of(SingleWriterAutoConfiguration.class, GroupCommitAutoConfiguration.class))
                .run((context) -> {
                    JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
                    jdbc.execute("CREATE TABLE t (x INTEGER)");
                    jdbc.update("INSERT INTO t VALUES (1)");
                    context.getBean(GroupCommitWriter.class).execute((unit) -> unit.update("INSERT INTO t VALUES (2)"));
                    Map<String, Object> report = EndpointJson.asMap(
                            context.getBean(DbLocksEndpoint.class).dblocks());
                    assertThat((Map<String, Object>) report.get("writer"))
                            .containsEntry("holder", null)
                            .containsEntry("waiting", 0L)
                            .containsEntry("timeouts", 0L)
                            .containsEntry("lockFailures", 0L)
                            .containsKeys(
                                    "acquisitions",
                                    "avgWaitMs",
                                    "maxHoldMs",
                                    "locks",
                                    "totalLockWaitMs",
                                    "avgLockWaitMs",
                                    "maxLockWaitMs");
                    assertThat((Long) ((Map<String, Object>) report.get("writer")).get("acquisitions"))
                            .isGreaterThanOrEqualTo(3);
                    assertThat((Map<String, Object>) report.get("groupCommit"))
                            .containsEntry("committedUnits", 1L)
                            .containsEntry("groups", 1L);
                });
    }

    @Test
    void answersMalformedWritesWithAMessageOnlyInAServletWebApplication() {
        withDatabase().run((context) -> assertThat(context).doesNotHaveBean(DbLocksBadRequestResolver.class));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        EndpointAutoConfiguration.class,
                        DataSourceAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        DbLocksEndpointAutoConfiguration.class))
                .withPropertyValues(
                        "management.endpoints.web.exposure.include=dblocks",
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("endpoint.db"))
                .run((context) -> assertThat(context).hasSingleBean(DbLocksBadRequestResolver.class));
    }

    @Test
    void hasNoWriterSectionWhenTheSingleWriterIsOff() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(SingleWriterAutoConfiguration.class))
                .withPropertyValues("sqlite.hybrid.writer.enabled=false")
                .run((context) -> assertThat(EndpointJson.asMap(
                                context.getBean(DbLocksEndpoint.class).dblocks()))
                        .doesNotContainKey("writer"));
    }

    @Test
    void answersWithRetryFiguresWhenThereIsNoDataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        EndpointAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        DbLocksEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=dblocks")
                .run((context) -> assertThat(EndpointJson.asMap(
                                context.getBean(DbLocksEndpoint.class).dblocks()))
                        .containsKey("retry")
                        .doesNotContainKey("database"));
    }

    @Test
    void backsOffWhenEndpointIsNotExposed() {
        withDatabase()
                .withPropertyValues("management.endpoints.web.exposure.include=health")
                .run((context) -> assertThat(context).doesNotHaveBean(DbLocksEndpoint.class));
    }

    @Test
    void backsOffWhenStarterIsDisabled() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(DbLocksEndpoint.class));
    }

    @Test
    void backsOffForAUsersOwnEndpoint() {
        DbLocksEndpoint own = new DbLocksEndpoint(new LockStatistics(), null);
        withDatabase()
                .withBean(DbLocksEndpoint.class, () -> own)
                .run((context) ->
                        assertThat(context).getBean(DbLocksEndpoint.class).isSameAs(own));
    }

    @Test
    void backsOffWithoutActuator() {
        withDatabase()
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
                .run((context) -> assertThat(context).doesNotHaveBean(DbLocksEndpoint.class));
    }
}
