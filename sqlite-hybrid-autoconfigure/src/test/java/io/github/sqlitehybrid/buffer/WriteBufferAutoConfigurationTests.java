package io.github.sqlitehybrid.buffer;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static io.github.sqlitehybrid.buffer.WriteBufferCoalescingTests.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.sqlite.SQLiteConnection;

@Timeout(60)
class WriteBufferAutoConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    WriteBufferAutoConfiguration.class,
                    WriteBufferMetricsAutoConfiguration.class));

    private ApplicationContextRunner withDatabase() {
        return this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
                .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new);
    }

    @Test
    void writeBufferIsPresentAndRunningWithASqliteDataSource() {
        withDatabase().run((context) -> {
            assertThat(context).hasSingleBean(WriteBuffer.class);
            assertThat(context).hasSingleBean(WriteBufferMetrics.class);
            assertThat(context.getBean(WriteBuffer.class).isRunning()).isTrue();
            assertThat(context.getBean(WriteBuffer.class).getPhase()).isEqualTo(WriteBuffer.PHASE);
        });
    }

    @Test
    void writeBufferIsAbsentWhenDisabled() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.write-buffer.enabled=false")
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(WriteBuffer.class)
                        .doesNotHaveBean(WriteBufferMetrics.class));
    }

    @Test
    void metersAreAbsentWithoutAMeterRegistry() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
                .run((context) ->
                        assertThat(context).hasSingleBean(WriteBuffer.class).doesNotHaveBean(WriteBufferMetrics.class));
    }

    @Test
    void writeBufferIsAbsentWhenTheStarterIsDisabled() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(WriteBuffer.class));
    }

    @Test
    void writeBufferIsAbsentWithoutADataSource() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(DbRetryAutoConfiguration.class, WriteBufferAutoConfiguration.class))
                .run((context) -> assertThat(context).doesNotHaveBean(WriteBuffer.class));
    }

    @Test
    void writeBufferIsAbsentWithoutSqliteJdbc() {
        this.contextRunner
                .withClassLoader(new FilteredClassLoader(SQLiteConnection.class))
                .withBean(DataSource.class, DriverManagerDataSource::new)
                .run((context) -> assertThat(context).doesNotHaveBean(WriteBuffer.class));
    }

    @Test
    void writeBufferBacksOffForAUserWriteBuffer() {
        withDatabase().withUserConfiguration(UserWriteBufferConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(WriteBuffer.class);
            assertThat(context).hasBean("userWriteBuffer");
            assertThat(context).hasSingleBean(WriteBufferMetrics.class);
        });
    }

    @Test
    void propertiesAreBound() {
        withDatabase()
                .withPropertyValues(
                        "sqlite.hybrid.write-buffer.max-pending=5",
                        "sqlite.hybrid.write-buffer.flush-interval=250ms",
                        "sqlite.hybrid.write-buffer.flush-batch-size=2",
                        "sqlite.hybrid.write-buffer.overflow=reject",
                        "sqlite.hybrid.write-buffer.offer-timeout=1s",
                        "sqlite.hybrid.write-buffer.table-priorities.progress=1",
                        "sqlite.hybrid.write-buffer.table-priorities.events=2",
                        "sqlite.hybrid.write-buffer.dead-letter-capacity=7")
                .run((context) -> {
                    WriteBufferProperties properties = context.getBean(WriteBufferProperties.class);
                    assertThat(properties.getMaxPending()).isEqualTo(5);
                    assertThat(properties.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
                    assertThat(properties.getFlushBatchSize()).isEqualTo(2);
                    assertThat(properties.getOverflow()).isEqualTo(OverflowPolicy.REJECT);
                    assertThat(properties.getOfferTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(properties.getTablePriorities()).isEqualTo(Map.of("progress", 1, "events", 2));
                    assertThat(properties.getDeadLetterCapacity()).isEqualTo(7);
                });
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WriteBufferProperties properties = new WriteBufferProperties();
        assertThat(properties.isEnabled()).isTrue();
        assertThat(properties.getMaxPending()).isEqualTo(1000);
        assertThat(properties.getFlushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.getFlushBatchSize()).isEqualTo(100);
        assertThat(properties.getOverflow()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(properties.getOfferTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.getTablePriorities()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "max-pending=0 | sqlite.hybrid.write-buffer.max-pending | '0'",
                "flush-batch-size=-1 | sqlite.hybrid.write-buffer.flush-batch-size | '-1'",
                "flush-interval=0s | sqlite.hybrid.write-buffer.flush-interval | '0s'",
                "offer-timeout=-1s | sqlite.hybrid.write-buffer.offer-timeout | '-1s'",
                "dead-letter-capacity=-5 | sqlite.hybrid.write-buffer.dead-letter-capacity | '-5'",
                "overflow=maybe | sqlite.hybrid.write-buffer.overflow | block, reject",
                "table-priorities[drop table]=1 | sqlite.hybrid.write-buffer.table-priorities | drop table"
            })
    void badValuesFailStartupNamingTheProperty(String setting, String property, String expected) {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.write-buffer." + setting)
                .run((context) -> {
                    assertThat(reportOf(context)).contains(property).contains(expected);
                });
    }

    @Test
    void metersDescribeTheBuffer() {
        withDatabase().run((context) -> {
            new JdbcTemplate(context.getBean(DataSource.class))
                    .execute("CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)");
            WriteBuffer buffer = context.getBean(WriteBuffer.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(WriteBufferMetrics.class).bindTo(registry);
            buffer.upsert("progress", row("job_id", 1, "percent", 1), "job_id");
            buffer.upsert("progress", row("job_id", 1, "percent", 2), "job_id");
            assertThat(registry.get(WriteBufferMetrics.PENDING).gauge().value()).isEqualTo(1.0);
            buffer.flush();
            assertThat(registry.get(WriteBufferMetrics.PENDING).gauge().value()).isZero();
            assertThat(registry.get(WriteBufferMetrics.BUFFERED)
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(registry.get(WriteBufferMetrics.COALESCED)
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get(WriteBufferMetrics.FLUSHED)
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get(WriteBufferMetrics.FAILED).functionCounter().count())
                    .isZero();
            assertThat(registry.get(WriteBufferMetrics.DEAD_LETTERS)
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get(WriteBufferMetrics.FLUSH).functionTimer().count())
                    .isEqualTo(1.0);
            assertThat(registry.getMeters())
                    .filteredOn((meter) -> meter.getId().getName().startsWith("sqlite.hybrid.write.buffer."))
                    .hasSize(7)
                    .allSatisfy((Meter meter) ->
                            assertThat(meter.getId().getDescription()).isNotBlank());
            // The deprecated names read the same figures until their removal.
            assertThat(registry.getMeters())
                    .filteredOn((meter) -> meter.getId().getName().startsWith("sqlite.hybrid.buffer."))
                    .hasSize(7);
            assertThat(registry.get("sqlite.hybrid.buffer.buffered")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
        });
    }

    @Test
    void pendingRowsAreFlushedWhenTheContextCloses() throws Exception {
        Path file = this.dir.resolve("app.db");
        withDatabase()
                .withPropertyValues("sqlite.hybrid.write-buffer.flush-interval=1h")
                .run((context) -> {
                    new JdbcTemplate(context.getBean(DataSource.class))
                            .execute("CREATE TABLE progress (job_id INTEGER PRIMARY KEY, percent INTEGER)");
                    WriteBuffer buffer = context.getBean(WriteBuffer.class);
                    for (int id = 0; id < 42; id++) {
                        buffer.upsert("progress", row("job_id", id, "percent", id), "job_id");
                    }
                    assertThat(count(file)).isZero();
                    context.close();
                    assertThat(buffer.isRunning()).isFalse();
                });
        assertThat(count(file)).isEqualTo(42);
    }

    private static long count(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM progress")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserWriteBufferConfiguration {

        @Bean
        WriteBuffer userWriteBuffer(DataSource dataSource, DbRetryTemplate retryTemplate) {
            return new WriteBuffer(dataSource, new WriteBufferProperties(), retryTemplate);
        }
    }
}
