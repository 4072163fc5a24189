package io.github.sqlitehybrid.writer;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteConnection;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupCommitAutoConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    GroupCommitAutoConfiguration.class));

    private ApplicationContextRunner withDatabase() {
        String url = "jdbc:sqlite:" + this.dir.resolve("group.db");
        return this.contextRunner
                .withPropertyValues("spring.datasource.url=" + url)
                .withInitializer((context) -> createSchema(url));
    }

    @Test
    void writerIsPresentAndCommitsWithASqliteDataSource() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.group-commit.max-batch=32")
                .run((context) -> {
                    assertThat(context).hasSingleBean(GroupCommitWriter.class);
                    GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                    int rows = writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES (?)", "one"));
                    assertThat(rows).isEqualTo(1);
                    assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                                    .queryForObject("SELECT count(*) FROM items", Integer.class))
                            .isEqualTo(1);
                    assertThat(context.getBean(GroupCommitProperties.class).getMaxBatch())
                            .isEqualTo(32);
                });
    }

    @Test
    void writerIsStoppedWithTheContextAndItsConnectionGivenBack() {
        withDatabase()
                .withPropertyValues("spring.datasource.hikari.maximum-pool-size=1")
                .run((context) -> {
                    GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                    writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('before close')"));
                    assertThat(writer.isRunning()).isTrue();
                    ((ConfigurableApplicationContext) context.getSourceApplicationContext()).stop();
                    assertThat(writer.isRunning()).isFalse();
                    assertThatThrownBy(() -> writer.execute((jdbc) -> 1))
                            .isInstanceOf(GroupCommitStoppedException.class);
                    // The pool of one has its connection back.
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        assertThat(connection.isValid(1)).isTrue();
                    }
                });
    }

    @Test
    void writerRecordsMetersWhenMicrometerIsPresent() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        GroupCommitMetricsAutoConfiguration.class))
                .run((context) -> {
                    GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                    writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('one')"));
                    assertThatThrownBy(() ->
                                    writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('one')")))
                            .isNotNull();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(GroupCommitMetrics.UNITS)
                                    .tag("outcome", "committed")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get(GroupCommitMetrics.UNITS)
                                    .tag("outcome", "failed")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get(GroupCommitMetrics.UNITS)
                                    .tag("outcome", "rejected")
                                    .functionCounter()
                                    .count())
                            .isZero();
                    assertThat(registry.get(GroupCommitMetrics.TRANSACTIONS)
                                    .tag("outcome", "committed")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(2.0);
                    assertThat(registry.get(GroupCommitMetrics.QUEUED).gauge().value())
                            .isZero();
                    assertThat(registry.get(GroupCommitMetrics.SIZE).summary().count())
                            .isEqualTo(2);
                    assertThat(registry.get(GroupCommitMetrics.QUEUE_WAIT)
                                    .timer()
                                    .count())
                            .isEqualTo(2);
                    assertThat(registry.get(GroupCommitMetrics.COMMIT).timer().count())
                            .isEqualTo(2);
                    assertThat(registry.get(GroupCommitMetrics.COMMIT)
                                    .timer()
                                    .getId()
                                    .getDescription())
                            .isNotBlank();
                });
    }

    @Test
    @SuppressWarnings("removal")
    void metersKeepTheirDeprecatedNamesUntilTheirRemoval() {
        withDatabase()
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        GroupCommitMetricsAutoConfiguration.class))
                .run((context) -> {
                    GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                    writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('one')"));
                    writer.execute((jdbc) -> jdbc.update("INSERT INTO items (name) VALUES ('two')"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("sqlite.hybrid.writer.group.units")
                                    .tag("outcome", "committed")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(2.0);
                    assertThat(registry.get(GroupCommitMetrics.GROUPS)
                                    .tag("outcome", "committed")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(2.0);
                    assertThat(registry.get("sqlite.hybrid.writer.group.size")
                                    .summary()
                                    .count())
                            .isEqualTo(2);
                    assertThat(registry.get("sqlite.hybrid.writer.group.queue.wait")
                                    .timer()
                                    .count())
                            .isEqualTo(2);
                    // Recorded once, though both sets of meters are told of each commit.
                    assertThat(registry.get(GroupCommitMetrics.COMMIT).timer().count())
                            .isEqualTo(2);
                });
    }

    @Test
    void writerIsAbsentWhenGroupCommitIsDisabled() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.writer.group-commit.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(GroupCommitWriter.class));
    }

    @Test
    void writerIsAbsentWhenTheStarterIsDisabled() {
        withDatabase()
                .withPropertyValues("sqlite.hybrid.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(GroupCommitWriter.class));
    }

    @Test
    void writerIsAbsentWithoutADataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GroupCommitAutoConfiguration.class))
                .run((context) -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(DataSource.class)
                        .doesNotHaveBean(GroupCommitWriter.class));
    }

    @Test
    void writerIsAbsentWithoutSqliteJdbc() {
        withDatabase()
                .withClassLoader(new FilteredClassLoader(SQLiteConnection.class))
                .run((context) -> assertThat(context).doesNotHaveBean(GroupCommitWriter.class));
    }

    @Test
    void writerBacksOffWhenUserProvidesOne() {
        withDatabase().withUserConfiguration(UserWriterConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(GroupCommitWriter.class);
            assertThat(context.getBean(GroupCommitWriter.class))
                    .isSameAs(context.getBean(UserWriterConfiguration.class).writer);
        });
    }

    @Test
    void badValuesFailStartupNamingTheProperty() {
        assertStartupFails("max-batch", "0");
        assertStartupFails("queue-capacity", "-1");
        assertStartupFails("offer-timeout", "-1s");
        assertStartupFails("statement-cache-size", "-5");
    }

    @Test
    void everyPropertyIsDocumentedInTheMetadata() throws Exception {
        List<Map<String, Object>> properties;
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            properties = JsonPath.parse(json)
                    .read("$.properties[?(@.name =~ /sqlite\\.hybrid\\.writer\\.group-commit\\..*/)]");
        }
        assertThat(properties)
                .extracting((property) -> property.get("name"))
                .containsExactlyInAnyOrder(
                        "sqlite.hybrid.writer.group-commit.enabled",
                        "sqlite.hybrid.writer.group-commit.max-batch",
                        "sqlite.hybrid.writer.group-commit.queue-capacity",
                        "sqlite.hybrid.writer.group-commit.offer-timeout",
                        "sqlite.hybrid.writer.group-commit.statement-cache-size");
        assertThat(properties)
                .allSatisfy((property) -> assertThat((String) property.get("description"))
                        .isNotBlank()
                        .doesNotContain("{@"));
        assertThat(properties)
                .filteredOn(
                        (property) -> property.get("name").equals("sqlite.hybrid.writer.group-commit.offer-timeout"))
                .extracting((property) -> property.get("defaultValue"))
                .containsExactly("5s");
    }

    private void assertStartupFails(String property, String value) {
        String name = "sqlite.hybrid.writer.group-commit." + property;
        withDatabase().withPropertyValues(name + "=" + value).run((context) -> {
            assertThat(reportOf(context)).contains("'" + name + "'", "'" + value + "'");
        });
    }

    private static void createSchema(String url) {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS items (name TEXT PRIMARY KEY)");
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserWriterConfiguration {

        GroupCommitWriter writer;

        @Bean
        GroupCommitWriter userWriter(DataSource dataSource) {
            this.writer = new GroupCommitWriter(dataSource);
            return this.writer;
        }
    }
}
