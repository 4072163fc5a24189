package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class SingleWriterMetricsAutoConfigurationTests {

    private static final int THREADS = 8;

    private static final int TRANSACTIONS_PER_THREAD = 40;

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class,
                    SingleWriterMetricsAutoConfiguration.class));

    private ApplicationContextRunner withMetrics() {
        return this.contextRunner
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("metered.db"));
    }

    @Test
    void registersTheWriteTurnMetersWhenTheApplicationHasAMeterRegistry() {
        withMetrics().run((context) -> {
            assertThat(context).hasSingleBean(WriteTurnMetrics.class);
            assertThat(context.getBean(MeterRegistry.class)
                            .find(WriteTurnMetrics.TURN_WAIT)
                            .timer())
                    .isNotNull();
        });
    }

    @Test
    void registersNothingWithoutAMeterRegistry() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("plain.db"))
                .run((context) -> assertThat(context).doesNotHaveBean(WriteTurnMetrics.class));
    }

    @Test
    void registersNothingWhenTheSingleWriterIsOff() {
        withMetrics()
                .withPropertyValues("sqlite.hybrid.writer.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(WriteTurnMetrics.class));
    }

    @Test
    void backsOffForTheApplicationsOwnMeters() {
        withMetrics()
                .withUserConfiguration(OwnMetersConfiguration.class)
                .run((context) ->
                        assertThat(context.getBean(WriteTurnMetrics.class)).isSameAs(context.getBean("ownMeters")));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void timersRecordEveryWaitHoldAndLockOfConcurrentWriteTransactions() {
        withMetrics().run((context) -> {
            writeConcurrently(context);
            WriterStats stats = writeTurn(context).stats();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Timer wait = registry.get(WriteTurnMetrics.TURN_WAIT).timer();
            Timer hold = registry.get(WriteTurnMetrics.TURN_HOLD).timer();
            Timer lock = registry.get(WriteTurnMetrics.LOCK_WAIT).timer();
            assertThat(stats.acquisitions()).isGreaterThanOrEqualTo(THREADS * TRANSACTIONS_PER_THREAD);
            assertThat(wait.count()).isEqualTo(stats.acquisitions());
            assertThat(hold.count()).isEqualTo(stats.acquisitions());
            assertThat(lock.count()).isEqualTo(stats.locks());
            // The same nanoseconds, up to the rounding of the stats' milliseconds back to nanoseconds.
            assertThat(wait.max(TimeUnit.NANOSECONDS)).isCloseTo(stats.maxWaitMs() * 1e6, within(1.0));
            assertThat(hold.totalTime(TimeUnit.MILLISECONDS)).isPositive();
            assertThat(counter(registry, WriteTurnMetrics.ACQUISITIONS)).isEqualTo(stats.acquisitions());
            assertThat(counter(registry, WriteTurnMetrics.TIMEOUTS)).isZero();
            assertThat(counter(registry, WriteTurnMetrics.LOCK_FAILURES)).isZero();
            assertThat(registry.get(WriteTurnMetrics.QUEUE).gauge().value()).isZero();
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void coalescingMetersCountEveryCommitItsTransactionsAndEachWaitForIt() {
        withMetrics()
                .withPropertyValues("sqlite.hybrid.writer.coalescing.enabled=true")
                .run((context) -> {
                    writeConcurrently(context);
                    WriterStats.Coalescing coalescing =
                            writeTurn(context).stats().coalescing();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    DistributionSummary transactions = registry.get(WriteTurnMetrics.COALESCING_TRANSACTIONS)
                            .summary();
                    Timer commitWait = registry.get(WriteTurnMetrics.COALESCING_COMMIT_WAIT)
                            .timer();
                    assertThat(coalescing.transactions()).isEqualTo(THREADS * TRANSACTIONS_PER_THREAD);
                    assertThat(transactions.count()).isEqualTo(coalescing.commits());
                    assertThat(transactions.totalAmount()).isEqualTo(coalescing.transactions());
                    assertThat(commitWait.count()).isEqualTo(coalescing.transactions());
                    assertThat(commitWait.max(TimeUnit.NANOSECONDS))
                            .isCloseTo(coalescing.maxCommitWaitMs() * 1e6, within(1.0));
                });
    }

    @Test
    void waitsAndHoldsGetHistogramsWhenBootsPercentilesHistogramPropertyAsksForThem() {
        this.contextRunner
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        PrometheusMetricsExportAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("histograms.db"),
                        "management.metrics.distribution.percentiles-histogram.sqlite.hybrid.writer=true")
                .run((context) -> {
                    writeConcurrently(context);
                    String scrape =
                            context.getBean(PrometheusMeterRegistry.class).scrape();
                    assertThat(scrape)
                            .contains("sqlite_hybrid_writer_turn_wait_seconds_bucket{")
                            .contains("sqlite_hybrid_writer_turn_hold_seconds_bucket{")
                            .contains("sqlite_hybrid_writer_lock_wait_seconds_bucket{");
                });
    }

    @Test
    void timersHaveNoHistogramUnlessAskedFor() {
        this.contextRunner
                .withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        PrometheusMetricsExportAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("plain-timers.db"))
                .run((context) -> {
                    writeConcurrently(context);
                    String scrape =
                            context.getBean(PrometheusMeterRegistry.class).scrape();
                    assertThat(scrape)
                            .contains("sqlite_hybrid_writer_turn_wait_seconds_count{")
                            .doesNotContain("sqlite_hybrid_writer_turn_wait_seconds_bucket{");
                });
    }

    @Test
    void deprecatedGaugesStayRegisteredUntilTheirRemoval() {
        withMetrics().run((context) -> {
            writeConcurrently(context);
            WriterStats stats = writeTurn(context).stats();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("sqlite.hybrid.writer.wait")
                            .tag("statistic", "max")
                            .gauge()
                            .value())
                    .isEqualTo(stats.maxWaitMs());
            assertThat(registry.get("sqlite.hybrid.writer.hold")
                            .tag("statistic", "mean")
                            .gauge()
                            .value())
                    .isEqualTo(writeTurn(context).stats().avgHoldMs());
        });
    }

    private static void writeConcurrently(AssertableApplicationContext context) throws Exception {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        jdbc.execute("CREATE TABLE IF NOT EXISTS entries (thread INTEGER, seq INTEGER, PRIMARY KEY (thread, seq))");
        jdbc.update("DELETE FROM entries");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int seq = 0; seq < TRANSACTIONS_PER_THREAD; seq++) {
                        int row = seq;
                        transactions.executeWithoutResult((status) -> {
                            jdbc.queryForObject("SELECT count(*) FROM entries", Integer.class);
                            jdbc.update("INSERT INTO entries (thread, seq) VALUES (?, ?)", thread, row);
                        });
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM entries", Integer.class))
                .isEqualTo(THREADS * TRANSACTIONS_PER_THREAD);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT thread * 1000 + seq) FROM entries", Integer.class))
                .isEqualTo(THREADS * TRANSACTIONS_PER_THREAD);
    }

    private static double counter(MeterRegistry registry, String name) {
        FunctionCounter counter = registry.get(name).functionCounter();
        return counter.count();
    }

    private static WriteTurn writeTurn(AssertableApplicationContext context) {
        return ((SqliteSingleWriterDataSource) context.getBean(DataSource.class)).getWriteTurn();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetersConfiguration {

        @Bean
        WriteTurnMetrics ownMeters(org.springframework.beans.factory.ObjectProvider<DataSource> dataSources) {
            return new WriteTurnMetrics(dataSources);
        }
    }
}
