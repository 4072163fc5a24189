package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code @DbRetry} on a real PostgreSQL server: transactions that fail with PostgreSQL's own concurrency
 * errors are run again until they succeed, and the lock metrics count every error.
 */
class PostgresDbRetryTests {

    private static final int WORKERS = 16;

    private static final int INCREMENTS_PER_WORKER = 40;

    private static final int ROWS = 2;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    DbRetryMetricsAutoConfiguration.class))
            .withUserConfiguration(CountersConfiguration.class)
            .withPropertyValues(
                    "spring.datasource.username=" + LocalPostgres.USER,
                    "spring.datasource.password=",
                    "spring.datasource.hikari.maximum-pool-size=" + (WORKERS + 2),
                    "sqlite.hybrid.retry.max-attempts=200",
                    "sqlite.hybrid.retry.initial-delay=1ms",
                    "sqlite.hybrid.retry.max-delay=20ms");

    private ApplicationContextRunner onPostgres() {
        String url = LocalPostgres.assumeAvailable().createDatabase("retry");
        return this.contextRunner.withPropertyValues("spring.datasource.url=" + url);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void recoversEverySerializationFailureOfSixteenWorkersUpdatingTheSameRows() {
        onPostgres().run((context) -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
            for (int row = 0; row < ROWS; row++) {
                jdbc.update("INSERT INTO counters (id, value) VALUES (?, 0)", row);
            }
            Counters counters = context.getBean(Counters.class);
            assertThat(context.getBean(LockErrorClassifier.class).lockErrorCode(new SQLException("", "40001")))
                    .as("classifier chosen for PostgreSQL")
                    .isEqualTo("serialization_failure");

            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            CyclicBarrier start = new CyclicBarrier(WORKERS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int worker = 0; worker < WORKERS; worker++) {
                    int row = worker % ROWS;
                    workers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < INCREMENTS_PER_WORKER; i++) {
                            counters.increment(row);
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(2, TimeUnit.MINUTES); // rethrows whatever escaped a worker's retries
                }
            } finally {
                pool.shutdownNow();
            }

            for (int row = 0; row < ROWS; row++) {
                assertThat(jdbc.queryForObject("SELECT value FROM counters WHERE id = ?", Integer.class, row))
                        .as("increments of row %d: none lost, none counted twice", row)
                        .isEqualTo(WORKERS / ROWS * INCREMENTS_PER_WORKER);
            }
            DbRetryStats totals = context.getBean(LockStatistics.class).totals();
            assertThat(totals.calls()).isEqualTo((long) WORKERS * INCREMENTS_PER_WORKER);
            assertThat(totals.lockErrors()).as("serialization failures met").isPositive();
            assertThat(totals.lockErrorCodes()).containsOnlyKeys("serialization_failure");
            assertThat(totals.retries()).isEqualTo(totals.lockErrors());
            assertThat(totals.failures()).isZero();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("sqlite.hybrid.retry.lock.errors")
                            .tag("code", "serialization_failure")
                            .functionCounter()
                            .count())
                    .isEqualTo((double) totals.lockErrors());
            System.out.printf(
                    "PostgreSQL SERIALIZABLE, %d workers: %d calls, %d serialization failures, %d recoveries,"
                            + " %d failures%n",
                    WORKERS, totals.calls(), totals.lockErrors(), totals.recoveries(), totals.failures());
        });
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recoversTheTransactionPostgresqlFailsToBreakADeadlock() {
        onPostgres()
                .withPropertyValues("spring.datasource.hikari.connection-init-sql=SET deadlock_timeout = '100ms'")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
                    jdbc.update("INSERT INTO counters (id, value) VALUES (0, 0), (1, 0)");
                    Counters counters = context.getBean(Counters.class);
                    CountDownLatch bothHoldOneRow = new CountDownLatch(2);
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    try {
                        Future<?> forward = pool.submit(() -> {
                            counters.incrementBoth(0, 1, bothHoldOneRow);
                            return null;
                        });
                        Future<?> backward = pool.submit(() -> {
                            counters.incrementBoth(1, 0, bothHoldOneRow);
                            return null;
                        });
                        forward.get(1, TimeUnit.MINUTES);
                        backward.get(1, TimeUnit.MINUTES);
                    } finally {
                        pool.shutdownNow();
                    }
                    assertThat(jdbc.queryForList("SELECT value FROM counters ORDER BY id", Integer.class))
                            .containsExactly(2, 2);
                    DbRetryStats totals = context.getBean(LockStatistics.class).totals();
                    assertThat(totals.lockErrorCodes()).containsEntry("deadlock_detected", 1L);
                    assertThat(totals.recoveries()).isEqualTo(1);
                    assertThat(totals.failures()).isZero();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class CountersConfiguration {

        @Bean
        Counters counters(JdbcTemplate jdbc) {
            return new Counters(jdbc);
        }
    }

    /** Read, then write: the lost-update pattern SERIALIZABLE refuses with 40001. Not final: proxied. */
    static class Counters {

        private final JdbcTemplate jdbc;

        Counters(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @DbRetry
        @Transactional(isolation = Isolation.SERIALIZABLE)
        public void increment(int row) {
            int value = this.jdbc.queryForObject("SELECT value FROM counters WHERE id = ?", Integer.class, row);
            this.jdbc.update("UPDATE counters SET value = ? WHERE id = ?", value + 1, row);
        }

        /**
         * Lock one row, wait until the other caller holds its row too, then lock that one: the first attempts
         * deadlock, and PostgreSQL fails one of them. On the retry the latch is open, so it goes straight on.
         */
        @DbRetry
        @Transactional
        public void incrementBoth(int first, int second, CountDownLatch bothHoldOneRow) throws InterruptedException {
            this.jdbc.update("UPDATE counters SET value = value + 1 WHERE id = ?", first);
            bothHoldOneRow.countDown();
            bothHoldOneRow.await(30, TimeUnit.SECONDS);
            this.jdbc.update("UPDATE counters SET value = value + 1 WHERE id = ?", second);
        }
    }
}
