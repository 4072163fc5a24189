package io.github.sqlitehybrid.writer;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads that keep their snapshot past the threshold (read-only transactions, and reads outside one that leave a
 * result set open) are listed while open, then logged with their name and thread and counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class LongReadsTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class));

    @Test
    void aReadOnlyTransactionHeldPastTheThresholdIsLoggedWithItsNameAndThreadAndCounted(CapturedOutput output) {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.long-read-threshold=300ms")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE t (x)");
                    readOnly(context, "ReportService.quick")
                            .executeWithoutResult(
                                    (status) -> jdbc.queryForObject("SELECT count(*) FROM t", Integer.class));
                    assertThat(longReads(context)).as("after a short read").isZero();
                    readOnly(context, "ReportService.monthly").executeWithoutResult((status) -> {
                        jdbc.queryForObject("SELECT count(*) FROM t", Integer.class);
                        sleep(500);
                    });
                    assertThat(longReads(context)).isEqualTo(1);
                    assertThat(output.getOut())
                            .contains("kept its snapshot for")
                            .contains("ReportService.monthly on thread '"
                                    + Thread.currentThread().getName() + "'")
                            .contains("sqlite.hybrid.writer.long-read-threshold is 300 ms")
                            .doesNotContain("ReportService.quick on thread");
                });
    }

    @Test
    void aReadOnlyTransactionIsListedWhileOpenPastTheThresholdAndNotOnceEnded() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.long-read-threshold=200ms")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE t (x)");
                    List<WriterStats.LongRead> whileOpen = readOnly(context, "ReportService.yearly")
                            .execute((status) -> {
                                jdbc.queryForObject("SELECT count(*) FROM t", Integer.class);
                                assertThat(stats(context).longReads())
                                        .as("before the threshold")
                                        .isEmpty();
                                sleep(400);
                                return stats(context).longReads();
                            });
                    assertThat(whileOpen).singleElement().satisfies((read) -> {
                        assertThat(read.name()).isEqualTo("ReportService.yearly");
                        assertThat(read.thread())
                                .isEqualTo(Thread.currentThread().getName());
                        assertThat(read.openMs()).isBetween(200.0, 10_000.0);
                    });
                    assertThat(stats(context).longReads()).as("once ended").isEmpty();
                    assertThat(longReads(context)).isEqualTo(1);
                });
    }

    @Test
    void aResultSetLeftOpenOutsideATransactionIsListedWithItsSqlThenCountedWhenClosed(CapturedOutput output) {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.long-read-threshold=200ms")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE t (x)");
                    jdbc.update("INSERT INTO t VALUES (1), (2)");
                    for (int i = 0; i < 20; i++) {
                        jdbc.queryForList("SELECT x FROM t", Integer.class);
                    }
                    assertThat(stats(context).longReads())
                            .as("reads that closed their result sets")
                            .isEmpty();
                    try (Connection connection =
                                    context.getBean(DataSource.class).getConnection();
                            Statement statement = connection.createStatement()) {
                        ResultSet rows = statement.executeQuery("SELECT x FROM t");
                        assertThat(rows.next()).isTrue();
                        sleep(400);
                        assertThat(stats(context).longReads())
                                .singleElement()
                                .satisfies(
                                        (read) -> assertThat(read.name())
                                                .isEqualTo(
                                                        "a read outside a transaction, its result set open: 'SELECT x FROM t'"));
                        assertThat(longReads(context)).as("while open").isZero();
                        rows.close();
                        assertThat(stats(context).longReads()).as("once closed").isEmpty();
                        assertThat(longReads(context)).isEqualTo(1);
                    }
                    assertThat(output.getOut())
                            .contains("its result set open: 'SELECT x FROM t' on thread '"
                                    + Thread.currentThread().getName() + "'");
                });
    }

    @Test
    void aNegativeThresholdFailsNamingTheProperty() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.long-read-threshold=-1s")
                .run((context) -> assertThat(reportOf(context)).contains("sqlite.hybrid.writer.long-read-threshold"));
    }

    private ApplicationContextRunner withDatabase() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("reads.db"));
    }

    private static TransactionTemplate readOnly(AssertableApplicationContext context, String name) {
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        transaction.setReadOnly(true);
        transaction.setName(name);
        return transaction;
    }

    private static long longReads(AssertableApplicationContext context) {
        return stats(context).longReadTransactions();
    }

    private static WriterStats stats(AssertableApplicationContext context) {
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class))
                .getWriteTurn()
                .stats();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
