package io.github.sqlitehybrid.maintenance;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.actuate.DbMaintenanceEndpoint;
import io.github.sqlitehybrid.actuate.DbMaintenanceEndpointAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import io.github.sqlitehybrid.writer.WriterStats;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** WAL checkpoints and their reports, on real files while the application reads and writes. */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SqliteMaintenanceTests {

    private static final long LIMIT = 256 * 1024;

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
                    SingleWriterAutoConfiguration.class,
                    MaintenanceAutoConfiguration.class,
                    DbMaintenanceEndpointAutoConfiguration.class));

    @RepeatedTest(3)
    void aReaderHoldingItsSnapshotForThreeSecondsIsReportedTheWalGrowsAndIsTruncatedOnceQuiet(CapturedOutput output)
            throws Exception {
        withMaintenance().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            SqliteMaintenance maintenance = context.getBean(SqliteMaintenance.class);
            jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            CountDownLatch reading = new CountDownLatch(1);
            AtomicLong largestWal = new AtomicLong();
            AtomicReference<List<WriterStats.LongRead>> listed = new AtomicReference<>(List.of());
            ExecutorService threads = Executors.newFixedThreadPool(6);
            try {
                Future<?> reader = threads.submit(() -> readOnly(context, "ReportService.yearly")
                        .executeWithoutResult((status) -> {
                            jdbc.queryForObject("SELECT count(*) FROM events", Integer.class);
                            reading.countDown();
                            sleep(3000);
                        }));
                assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
                AtomicInteger ids = new AtomicInteger();
                List<Future<Integer>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    writers.add(threads.submit(() -> {
                        int written = 0;
                        while (!reader.isDone()) {
                            jdbc.update("INSERT INTO events VALUES (?, randomblob(1024))", ids.incrementAndGet());
                            written++;
                        }
                        return written;
                    }));
                }
                while (!reader.isDone()) {
                    MaintenanceStats stats = maintenance.stats();
                    largestWal.accumulateAndGet(stats.walSizeBytes(), Math::max);
                    if (!stats.longReads().isEmpty()) {
                        listed.set(stats.longReads());
                    }
                    sleep(50);
                }
                reader.get();
                int written = 0;
                for (Future<Integer> writer : writers) {
                    written += writer.get();
                }
                assertThat(jdbc.queryForObject("SELECT count(*) FROM events", Integer.class))
                        .as("every row written")
                        .isEqualTo(written)
                        .isEqualTo(ids.get());
            } finally {
                threads.shutdownNow();
            }
            assertThat(listed.get()).singleElement().satisfies((read) -> {
                assertThat(read.name()).isEqualTo("ReportService.yearly");
                assertThat(read.openMs()).isGreaterThan(1000);
            });
            assertThat(largestWal.get()).as("the WAL while the reader held it").isGreaterThan(LIMIT);
            MaintenanceStats during = maintenance.stats();
            assertThat(during.oversizedWal()).isPositive();
            assertThat(output.getOut()).contains("past its limit of " + LIMIT).contains("ReportService.yearly");
            // Quiet now: the next passive checkpoints copy everything, then truncate the WAL.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (maintenance.stats().truncations() == 0 && System.nanoTime() < deadline) {
                sleep(50);
            }
            MaintenanceStats after = maintenance.stats();
            assertThat(after.truncations()).as("truncations once quiet").isPositive();
            assertThat(after.walSizeBytes()).isLessThanOrEqualTo(LIMIT);
            assertThat(after.longReads()).isEmpty();
        });
    }

    @Test
    void theEndpointTruncatesTheWalOnDemandAndReportsItsSizeBeforeAndAfter() {
        withMaintenance()
                .withPropertyValues(
                        "sqlite.hybrid.maintenance.truncate-when-quiet=false",
                        "management.endpoints.web.exposure.include=dbmaintenance")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
                    for (int i = 0; i < 200; i++) {
                        jdbc.update("INSERT INTO events VALUES (?, randomblob(1024))", i);
                    }
                    DbMaintenanceEndpoint endpoint = context.getBean(DbMaintenanceEndpoint.class);
                    assertThat(endpoint.maintenance().walSizeBytes()).isPositive();
                    WalCheckpoint truncated = endpoint.truncate();
                    assertThat(truncated.mode()).isEqualTo("TRUNCATE");
                    assertThat(truncated.busy()).isFalse();
                    assertThat(truncated.walBytesBefore()).isGreaterThan(200 * 1024);
                    assertThat(truncated.walBytesAfter()).isZero();
                    assertThat(endpoint.maintenance().truncations()).isEqualTo(1);
                    assertThat(endpoint.maintenance().lastCheckpoint()).isEqualTo(truncated);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM events", Integer.class))
                            .isEqualTo(200);
                });
    }

    @Test
    void aPassiveCheckpointReportsTheFramesOfTheWalAndWhatItCopied() {
        withMaintenance()
                .withPropertyValues("sqlite.hybrid.maintenance.truncate-when-quiet=false")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
                    jdbc.update("INSERT INTO events VALUES (1, randomblob(100000))");
                    WalCheckpoint passive =
                            context.getBean(SqliteMaintenance.class).checkpointNow();
                    assertThat(passive.mode()).isEqualTo("PASSIVE");
                    assertThat(passive.walFrames()).isPositive();
                    assertThat(passive.checkpointedFrames()).isEqualTo(passive.walFrames());
                    assertThat(passive.isComplete()).isTrue();
                });
    }

    @Test
    void theMetersReadTheCheckpointsAndTheWal() {
        withMaintenance()
                .withPropertyValues("sqlite.hybrid.maintenance.truncate-when-quiet=false")
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class,
                        MaintenanceMetricsAutoConfiguration.class))
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
                    jdbc.update("INSERT INTO events VALUES (1, randomblob(100000))");
                    SqliteMaintenance maintenance = context.getBean(SqliteMaintenance.class);
                    long before = maintenance.stats().passiveCheckpoints();
                    maintenance.checkpointNow();
                    maintenance.truncateNow();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(MaintenanceMetrics.CHECKPOINTS)
                                    .tag("mode", "passive")
                                    .functionCounter()
                                    .count())
                            .isGreaterThanOrEqualTo(before + 1);
                    assertThat(registry.get(MaintenanceMetrics.CHECKPOINTS)
                                    .tag("mode", "truncate")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1);
                    assertThat(registry.get(MaintenanceMetrics.WAL_SIZE).gauge().value())
                            .isEqualTo(maintenance.stats().walSizeBytes());
                    assertThat(registry.get(MaintenanceMetrics.WAL_LIMIT)
                                    .gauge()
                                    .value())
                            .isEqualTo(LIMIT);
                    assertThat(registry.get(MaintenanceMetrics.WAL_OVERSIZED)
                                    .functionCounter()
                                    .count())
                            .isZero();
                });
    }

    @Test
    void optimizeRunsAndIsCounted() {
        withMaintenance().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT)");
            jdbc.execute("CREATE INDEX events_kind ON events (kind)");
            SqliteMaintenance maintenance = context.getBean(SqliteMaintenance.class);
            assertThat(maintenance.optimizeNow()).isNotNegative();
            assertThat(maintenance.stats().optimizations()).isEqualTo(1);
        });
    }

    @Test
    void theWalLimitIsTheJournalSizeLimitUnlessSet() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("limit.db"),
                        "sqlite.hybrid.maintenance.enabled=true",
                        "sqlite.hybrid.pragmas.journal-size-limit=8MB")
                .run((context) -> assertThat(
                                context.getBean(SqliteMaintenance.class).stats().walLimitBytes())
                        .isEqualTo(8L * 1024 * 1024));
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("nolimit.db"),
                        "sqlite.hybrid.maintenance.enabled=true",
                        "sqlite.hybrid.pragmas.journal-size-limit=-1")
                .run((context) -> assertThat(
                                context.getBean(SqliteMaintenance.class).stats().walLimitBytes())
                        .isEqualTo(64L * 1024 * 1024));
    }

    @Test
    void maintenanceIsOffByDefault() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("off.db"))
                .run((context) -> assertThat(context).doesNotHaveBean(SqliteMaintenance.class));
    }

    @Test
    void aCheckpointIntervalOfZeroFailsNamingTheProperty() {
        withMaintenance()
                .withPropertyValues("sqlite.hybrid.maintenance.checkpoint-interval=0s")
                .run((context) ->
                        assertThat(reportOf(context)).contains("sqlite.hybrid.maintenance.checkpoint-interval"));
    }

    @Test
    void anInMemoryDatabaseFailsSayingThereIsNoWalToCheckpoint() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite::memory:", "sqlite.hybrid.maintenance.enabled=true")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("sqlite.hybrid.maintenance.enabled is true")
                        .hasStackTraceContaining("no WAL to checkpoint"));
    }

    private ApplicationContextRunner withMaintenance() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("maintained.db"),
                "sqlite.hybrid.maintenance.enabled=true",
                "sqlite.hybrid.maintenance.checkpoint-interval=200ms",
                "sqlite.hybrid.maintenance.wal-limit=" + LIMIT + "B",
                "sqlite.hybrid.writer.long-read-threshold=1s");
    }

    private static TransactionTemplate readOnly(AssertableApplicationContext context, String name) {
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        transaction.setReadOnly(true);
        transaction.setName(name);
        return transaction;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
