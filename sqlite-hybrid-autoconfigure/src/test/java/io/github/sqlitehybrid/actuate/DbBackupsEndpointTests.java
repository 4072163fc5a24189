package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.backup.BackupAutoConfiguration;
import io.github.sqlitehybrid.backup.BackupMetrics;
import io.github.sqlitehybrid.backup.BackupMetricsAutoConfiguration;
import io.github.sqlitehybrid.backup.BackupProperties;
import io.github.sqlitehybrid.backup.BackupResult;
import io.github.sqlitehybrid.backup.SqliteBackups;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;

/** The dbbackups endpoint, the backups' meters and their health, on a real file. */
class DbBackupsEndpointTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    EndpointAutoConfiguration.class,
                    JacksonEndpointAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    DataSourceAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    BackupAutoConfiguration.class,
                    BackupMetricsAutoConfiguration.class,
                    DbBackupsEndpointAutoConfiguration.class,
                    BackupHealthContributorAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=dbbackups");

    @Test
    void postTakesABackupAndGetListsItWithTheLastSuccess() {
        withBackups().run((context) -> {
            context.getBean(JdbcTemplate.class).execute("CREATE TABLE t (x)");
            DbBackupsEndpoint endpoint = context.getBean(DbBackupsEndpoint.class);
            Map<String, Object> taken = json(context, endpoint.backup());
            assertThat(taken).containsOnlyKeys("file", "sizeBytes", "createdAt", "durationMs");
            Map<String, Object> listed = json(context, endpoint.backups());
            // lastFailure appears once a backup has failed: the actuator leaves out what is null.
            assertThat(listed).containsOnlyKeys("directory", "backups", "succeeded", "failed", "lastSuccess");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> backups = (List<Map<String, Object>>) listed.get("backups");
            assertThat(backups).hasSize(1);
            assertThat(backups.get(0)).containsOnlyKeys("file", "sizeBytes", "createdAt");
            assertThat(backups.get(0).get("file")).isEqualTo(taken.get("file"));
            assertThat(listed.get("lastSuccess")).isEqualTo(taken);
            assertThat(listed.get("succeeded")).isEqualTo(1);
        });
    }

    @Test
    void metersCountBackupsAndShowTheNewestsSizeAndAge() {
        withBackups().run((context) -> {
            context.getBean(JdbcTemplate.class).execute("CREATE TABLE t (x)");
            BackupResult backup = context.getBean(SqliteBackups.class).backupNow();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(BackupMetrics.BACKUPS)
                            .tag("outcome", "succeeded")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(BackupMetrics.BACKUPS)
                            .tag("outcome", "failed")
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get(BackupMetrics.DURATION).functionTimer().count())
                    .isEqualTo(1);
            assertThat(registry.get(BackupMetrics.SIZE).gauge().value()).isEqualTo(backup.sizeBytes());
            assertThat(registry.get(BackupMetrics.AGE).timeGauge().value()).isBetween(0.0, 60.0);
        });
    }

    @Test
    void healthIsDownWhenTheNewestBackupIsOlderThanTwiceTheSchedule() {
        withBackups().run((context) -> {
            context.getBean(JdbcTemplate.class).execute("CREATE TABLE t (x)");
            SqliteBackups backups = context.getBean(SqliteBackups.class);
            BackupProperties hourly = new BackupProperties();
            hourly.setCron("0 0 * * * *");
            backups.backupNow();
            Clock now = Clock.systemUTC();
            assertThat(new BackupHealthIndicator(backups, hourly, now)
                            .health(true)
                            .getStatus())
                    .isEqualTo(Status.UP);
            Clock later = Clock.offset(Clock.fixed(now.instant(), ZoneOffset.UTC), Duration.ofHours(3));
            assertThat(new BackupHealthIndicator(backups, hourly, later)
                            .health(true)
                            .getStatus())
                    .isEqualTo(Status.DOWN);
            // On demand only: nothing is late.
            assertThat(context.getBean(BackupHealthIndicator.class).health(true).getStatus())
                    .isEqualTo(Status.UP);
        });
    }

    @Test
    void absentWithoutBackups() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(DbBackupsEndpoint.class)
                        .doesNotHaveBean(BackupMetrics.class)
                        .doesNotHaveBean(BackupHealthIndicator.class));
    }

    private ApplicationContextRunner withBackups() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
                "sqlite.hybrid.backup.enabled=true",
                "sqlite.hybrid.backup.cron=-",
                "sqlite.hybrid.backup.directory=" + this.dir.resolve("backups"));
    }

    private static Map<String, Object> json(AssertableApplicationContext context, Object answer) {
        var mapper = context.getBean(EndpointJsonMapper.class).get();
        return mapper.readValue(mapper.writeValueAsString(answer), new TypeReference<Map<String, Object>>() {});
    }
}
