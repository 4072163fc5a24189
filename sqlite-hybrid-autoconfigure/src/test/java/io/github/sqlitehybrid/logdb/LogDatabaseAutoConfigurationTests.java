package io.github.sqlitehybrid.logdb;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogDatabaseAutoConfigurationTests {

    private static final Logger logger = LoggerFactory.getLogger(LogDatabaseAutoConfigurationTests.class);

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    LogDatabaseAutoConfiguration.class, LogDatabaseMetricsAutoConfiguration.class));

    private ApplicationContextRunner enabled() {
        return this.contextRunner.withPropertyValues(
                "sqlite.hybrid.log-database.enabled=true",
                "sqlite.hybrid.log-database.path=" + this.dir.resolve("logs.db"));
    }

    @Test
    void isOffByDefault() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(LogDatabase.class));
    }

    @Test
    void metersAreRegisteredWhenTheApplicationHasAMeterRegistry() {
        enabled()
                .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
                .run((context) -> assertThat(context).hasSingleBean(LogDatabaseMetrics.class));
    }

    @Test
    void writesTheApplicationsLogLinesWhenEnabled() {
        enabled().run((context) -> {
            assertThat(context).hasSingleBean(LogDatabase.class).doesNotHaveBean(LogDatabaseMetrics.class);
            LogDatabase database = context.getBean(LogDatabase.class);
            assertThat(database.isRunning()).isTrue();
            assertThat(root().getAppender(LogDatabaseAppender.NAME)).isNotNull();

            logger.warn("through the root logger");
            assertThat(database.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(database.recent(10, Level.WARN))
                    .extracting(LogEntry::message)
                    .contains("through the root logger");
            assertThat(this.dir.resolve("logs.db")).exists();
        });
        assertThat(root().getAppender(LogDatabaseAppender.NAME))
                .as("detached on close")
                .isNull();
    }

    @Test
    void bindsEveryProperty() {
        enabled()
                .withPropertyValues(
                        "sqlite.hybrid.log-database.min-level=warn",
                        "sqlite.hybrid.log-database.queue-capacity=100",
                        "sqlite.hybrid.log-database.max-batch-size=10",
                        "sqlite.hybrid.log-database.flush-interval=250",
                        "sqlite.hybrid.log-database.retention=30")
                .run((context) -> {
                    LogDatabaseProperties properties = context.getBean(LogDatabaseProperties.class);
                    assertThat(properties.getMinLevel()).isEqualTo(Level.WARN);
                    assertThat(properties.getQueueCapacity()).isEqualTo(100);
                    assertThat(properties.getMaxBatchSize()).isEqualTo(10);
                    assertThat(properties.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
                    assertThat(properties.getRetention()).isEqualTo(Duration.ofDays(30));
                });
    }

    @Test
    void hasTheDocumentedDefaults() {
        LogDatabaseProperties properties = new LogDatabaseProperties();
        assertThat(properties.isEnabled()).isFalse();
        assertThat(properties.getPath()).isEqualTo("./data/logs.db");
        assertThat(properties.getMinLevel()).isEqualTo(Level.INFO);
        assertThat(properties.getQueueCapacity()).isEqualTo(8192);
        assertThat(properties.getMaxBatchSize()).isEqualTo(50);
        assertThat(properties.getFlushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.getRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void backsOffForAUsersOwnLogDatabase() {
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath("");
        enabled()
                .withBean("ownLogDatabase", LogDatabase.class, () -> new LogDatabase(properties))
                .run((context) -> assertThat(context)
                        .getBean(LogDatabase.class)
                        .extracting((database) -> database.stats().path())
                        .isNull());
    }

    @Test
    void backsOffWhenStarterIsDisabled() {
        enabled()
                .withPropertyValues("sqlite.hybrid.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LogDatabase.class));
    }

    @Test
    void backsOffWhenSwitchedOff() {
        enabled()
                .withPropertyValues("sqlite.hybrid.log-database.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LogDatabase.class));
    }

    @Test
    void backsOffWithoutLogback() {
        enabled()
                .withClassLoader(new FilteredClassLoader(LoggerContext.class))
                .run((context) -> assertThat(context).doesNotHaveBean(LogDatabase.class));
    }

    @Test
    void backsOffWithoutSqliteJdbc() {
        enabled()
                .withClassLoader(new FilteredClassLoader("org.sqlite"))
                .run((context) -> assertThat(context).doesNotHaveBean(LogDatabase.class));
    }

    @Test
    void shutdownWritesPendingLinesAndTheShutdownsOwnLines() throws Exception {
        enabled()
                .withPropertyValues(
                        "sqlite.hybrid.log-database.flush-interval=1h",
                        "sqlite.hybrid.log-database.max-batch-size=1000")
                .withUserConfiguration(LoggingOnStopConfiguration.class)
                .run((context) -> {
                    for (int i = 0; i < 5; i++) {
                        logger.warn("pending line {}", i);
                    }
                    LogDatabase database = context.getBean(LogDatabase.class);
                    assertThat(database.stats().pending()).isEqualTo(5);
                    assertThat(database.stats().logged()).isZero();
                });
        assertThat(count("pending line %")).isEqualTo(5);
        assertThat(count(LoggingOnStopConfiguration.MESSAGE)).isEqualTo(1);
    }

    @Test
    void zeroQueueCapacityFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.log-database.queue-capacity", "0", "between 1 and 1000000");
    }

    @Test
    void zeroMaxBatchSizeFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.log-database.max-batch-size", "0", "between 1 and 10000");
    }

    @Test
    void zeroFlushIntervalFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.log-database.flush-interval", "0s", "longer than 0");
    }

    @Test
    void negativeRetentionFailsNamingTheProperty() {
        assertStartupFails("sqlite.hybrid.log-database.retention", "-1d", "0 (keep every line)");
    }

    @Test
    void unknownMinLevelFailsListingTheLevels() {
        assertStartupFails("sqlite.hybrid.log-database.min-level", "loud", "error, warn, info, debug, trace");
    }

    @Test
    void pathUnderARegularFileFailsNamingThePath() throws Exception {
        Path blocker = Files.writeString(this.dir.resolve("not-a-directory"), "x");
        String path = blocker.resolve("logs.db").toString();
        assertStartupFails("sqlite.hybrid.log-database.path", path, "cannot create its directory " + blocker);
    }

    private void assertStartupFails(String name, String value, String expected) {
        enabled().withPropertyValues(name + "=" + value).run((context) -> {
            assertThat(reportOf(context)).contains("'" + name + "'", "'" + value + "'", expected);
        });
    }

    @Test
    void metersCountLinesLoggedDroppedFailedAndPending() {
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath("");
        try (LogDatabase database = new LogDatabase(properties)) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new LogDatabaseMetrics(database).bindTo(registry);
            database.offer(new LogLine(1L, Level.INFO, "meters", "main", "one", null, null));
            assertThat(registry.get(LogDatabaseMetrics.PENDING).gauge().value()).isEqualTo(1.0);
            assertThat(registry.get(LogDatabaseMetrics.LOGGED).functionCounter().count())
                    .isZero();
            assertThat(registry.get(LogDatabaseMetrics.DROPPED)
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get(LogDatabaseMetrics.FAILED).functionCounter().count())
                    .isZero();
            // The deprecated names read the same figures until their removal.
            assertThat(registry.get("sqlite.hybrid.logdb.pending").gauge().value())
                    .isEqualTo(1.0);
            assertThat(registry.find("sqlite.hybrid.logdb.logged").functionCounter())
                    .isNotNull();
        }
    }

    private long count(String pattern) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("logs.db"));
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COUNT(*) FROM logs WHERE message LIKE ?")) {
            statement.setString(1, pattern);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static ch.qos.logback.classic.Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Configuration(proxyBeanMethods = false)
    static class LoggingOnStopConfiguration {

        static final String MESSAGE = "worker pool stopping";

        @Bean
        SmartLifecycle workerPool() {
            return new SmartLifecycle() {

                private volatile boolean running;

                @Override
                public void start() {
                    this.running = true;
                }

                @Override
                public void stop() {
                    LoggerFactory.getLogger("sample.WorkerPool").warn(MESSAGE);
                    this.running = false;
                }

                @Override
                public boolean isRunning() {
                    return this.running;
                }
            };
        }
    }
}
