package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.actuate.DbLocksEndpoint;
import io.github.sqlitehybrid.actuate.DbLocksEndpointAutoConfiguration;
import io.github.sqlitehybrid.actuate.SqliteHealthContributorAutoConfiguration;
import io.github.sqlitehybrid.actuate.SqliteHealthIndicator;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseAutoConfiguration;
import io.github.sqlitehybrid.logdb.LogEntry;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DataSourceLockErrorClassifier;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import io.github.sqlitehybrid.writer.GroupCommitAutoConfiguration;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import io.github.sqlitehybrid.writer.WriteTurn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole starter with a PostgreSQL DataSource, as an application gets it by changing
 * {@code spring.datasource.url}: it starts, the SQLite-only parts stand aside, and the rest keeps working.
 */
class PostgresDataSourceTests {

    private static final Logger logger = LoggerFactory.getLogger(PostgresDataSourceTests.class);

    @TempDir
    Path dir;

    private ApplicationContextRunner onPostgres() {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        EndpointAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        SingleWriterAutoConfiguration.class,
                        GroupCommitAutoConfiguration.class,
                        WriteBufferAutoConfiguration.class,
                        LogDatabaseAutoConfiguration.class,
                        SqliteHealthContributorAutoConfiguration.class,
                        DbLocksEndpointAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=" + server.createDatabase("starter"),
                        "spring.datasource.username=" + LocalPostgres.USER,
                        "spring.datasource.password=",
                        "management.endpoints.web.exposure.include=dblocks");
    }

    @Test
    void sqliteOnlyPartsStandAsideAndTheContextStarts() {
        onPostgres().run((context) -> {
            assertThat(context).hasNotFailed();
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(dataSource)
                    .isInstanceOf(HikariDataSource.class)
                    .isNotInstanceOf(SqliteSingleWriterDataSource.class);
            // Boot's pool opens connections from the URL itself; on SQLite the starter would have given it a
            // PRAGMA-applying DataSource to open them through.
            assertThat(((HikariDataSource) dataSource).getDataSource())
                    .as("inner DataSource of the pool")
                    .isNull();
            assertThat(context)
                    .doesNotHaveBean(WriteTurn.class)
                    .doesNotHaveBean(GroupCommitWriter.class)
                    .doesNotHaveBean(SqliteHealthIndicator.class)
                    .hasSingleBean(WriteBuffer.class);
            LockErrorClassifier classifier = context.getBean(LockErrorClassifier.class);
            assertThat(classifier).isInstanceOf(DataSourceLockErrorClassifier.class);
            assertThat(((DataSourceLockErrorClassifier) classifier).getDatabaseProductName())
                    .isEqualTo("PostgreSQL");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dblocksNamesTheProductAndKeepsItsRetryAndWriteBufferSections() {
        onPostgres().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE progress (job_id BIGINT PRIMARY KEY, percent INTEGER NOT NULL)");
            WriteBuffer buffer = context.getBean(WriteBuffer.class);
            buffer.upsert("progress", Map.of("job_id", 7L, "percent", 10), "job_id");
            buffer.upsert("progress", Map.of("job_id", 7L, "percent", 90), "job_id");

            DbLocksEndpoint endpoint = context.getBean(DbLocksEndpoint.class);
            assertThat(EndpointJson.asMap(endpoint.flush())).containsEntry("flushed", 1L);
            assertThat(jdbc.queryForObject("SELECT percent FROM progress WHERE job_id = 7", Integer.class))
                    .isEqualTo(90);

            Map<String, Object> report = EndpointJson.asMap(endpoint.dblocks());
            assertThat(report)
                    .containsKeys("retry", "database", "writeBuffer")
                    .doesNotContainKeys("writer", "groupCommit");
            Map<String, Object> database = (Map<String, Object>) report.get("database");
            assertThat(database).containsEntry("product", "PostgreSQL").containsKey("version");
            assertThat(database).doesNotContainKeys("journalMode", "pragmas", "walSizeBytes", "path");
            assertThat((Map<String, Object>) report.get("writeBuffer")).containsEntry("flushed", 1L);
        });
    }

    @Test
    void theLogDatabaseStaysALocalSqliteFile() {
        Path logs = this.dir.resolve("logs.db");
        onPostgres()
                .withPropertyValues(
                        "sqlite.hybrid.log-database.enabled=true", "sqlite.hybrid.log-database.path=" + logs)
                .run((context) -> {
                    LogDatabase database = context.getBean(LogDatabase.class);
                    logger.warn("logged beside a PostgreSQL database");
                    assertThat(database.flush(Duration.ofSeconds(10))).isTrue();
                    assertThat(database.recent(10, Level.WARN))
                            .extracting(LogEntry::message)
                            .contains("logged beside a PostgreSQL database");
                    assertThat(logs).exists();
                });
    }
}
