package io.github.sqlitehybrid.writer;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import java.nio.file.Path;
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

/** Read-only transactions that keep their snapshot past the threshold are logged with their name and counted. */
@ExtendWith(OutputCaptureExtension.class)
class LongReadTransactionsTests {

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
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class))
                .getWriteTurn()
                .stats()
                .longReadTransactions();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
