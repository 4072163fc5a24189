package io.github.sqlitehybrid.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * Real contention on one SQLite file: 16 threads claim jobs with read-then-write transactions in SQLite's
 * default deferred mode, the pattern that fails with SQLITE_BUSY_SNAPSHOT regardless of busy_timeout.
 */
class DbRetryContentionTests {

    private static final int THREADS = 16;

    private static final int CLAIMS_PER_THREAD = 200;

    private static final int JOBS = THREADS * CLAIMS_PER_THREAD;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyJobIsClaimedExactlyOnceAndNoLockErrorEscapes() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        DbRetryAutoConfiguration.class))
                .withBean(ClaimService.class)
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("contention.db"),
                        "spring.datasource.hikari.maximum-pool-size=" + THREADS,
                        // Enough attempts that no claim gives up under 16-way contention; short waits keep the
                        // test quick. Defaults are covered elsewhere; this test is about correctness under load.
                        "sqlite.hybrid.retry.max-attempts=50",
                        "sqlite.hybrid.retry.initial-delay=2ms",
                        "sqlite.hybrid.retry.max-delay=50ms")
                .run((context) -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, worker INTEGER)");
                    jdbc.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + JOBS
                            + ") INSERT INTO jobs (id, status) SELECT i, 'queued' FROM n");
                    ClaimService service = context.getBean(ClaimService.class);

                    List<Callable<List<Integer>>> workers = new ArrayList<>();
                    for (int worker = 0; worker < THREADS; worker++) {
                        int id = worker;
                        workers.add(() -> {
                            List<Integer> claimed = new ArrayList<>();
                            for (int i = 0; i < CLAIMS_PER_THREAD; i++) {
                                claimed.add(service.claim(id));
                            }
                            return claimed;
                        });
                    }
                    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                    List<Integer> claimed = new ArrayList<>();
                    try {
                        for (Future<List<Integer>> result : pool.invokeAll(workers, 150, TimeUnit.SECONDS)) {
                            // get() rethrows whatever escaped a worker: none may.
                            claimed.addAll(result.get());
                        }
                    } finally {
                        pool.shutdownNow();
                    }

                    Set<Integer> distinct = new HashSet<>(claimed);
                    assertThat(claimed).hasSize(JOBS);
                    assertThat(distinct).hasSize(JOBS);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE status = 'claimed'", Integer.class))
                            .isEqualTo(JOBS);
                    for (Map<String, Object> row : jdbc.queryForList("SELECT id, worker FROM jobs")) {
                        assertThat(row.get("worker"))
                                .as("worker of job %s", row.get("id"))
                                .isNotNull();
                    }
                    DbRetryStats stats =
                            context.getBean(LockStatistics.class).operations().get("ClaimService.claim");
                    assertThat(stats.calls()).isEqualTo(JOBS);
                    assertThat(stats.failures()).isZero();
                    assertThat(stats.retries()).as("contention happened").isPositive();
                    System.out.printf(
                            "DbRetry contention: %d threads, %d calls, %d lock errors, %d retries, %d recoveries,"
                                    + " %d failures, avg wait %.1f ms, max wait %.1f ms, codes %s%n",
                            THREADS,
                            stats.calls(),
                            stats.lockErrors(),
                            stats.retries(),
                            stats.recoveries(),
                            stats.failures(),
                            stats.avgWaitMs(),
                            stats.maxWaitMs(),
                            stats.lockErrorCodes());
                });
    }

    static class ClaimService {

        private final JdbcTemplate jdbc;

        ClaimService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @DbRetry
        @Transactional
        public int claim(int worker) {
            Integer id = this.jdbc.queryForObject(
                    "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", Integer.class);
            int updated = this.jdbc.update(
                    "UPDATE jobs SET status = 'claimed', worker = ? WHERE id = ? AND status = 'queued'", worker, id);
            if (updated != 1) {
                throw new IllegalStateException("job " + id + " was claimed twice");
            }
            return id;
        }
    }
}
