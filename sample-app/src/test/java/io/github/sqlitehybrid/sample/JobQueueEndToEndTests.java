package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

/**
 * The whole service under write contention: 2,000 jobs queued over HTTP while 16 workers claim and
 * complete them, then every row checked. The same test runs on one SQLite file and on PostgreSQL: the
 * subclasses only say where the data goes and check what differs between the two.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.workers=16")
@DirtiesContext
abstract class JobQueueEndToEndTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private static final int SINGLE_JOBS = 1_000;

    private static final int CLIENTS = 4;

    private static final int BATCHES = 10;

    private static final int BATCH_SIZE = 100;

    private static final int TOTAL_JOBS = SINGLE_JOBS + BATCHES * BATCH_SIZE;

    /** Every 20th single job, and one whole batch, have "fail" in their URL: they must fail. */
    private static final int EXPECTED_DETERMINISTIC_FAILURES = SINGLE_JOBS / 20 + BATCH_SIZE;

    /** Where the SQLite files go: the database on SQLite, the log database on both. */
    @TempDir
    static Path dataDirectory;

    @LocalServerPort
    private int port;

    @Autowired
    private JdbcTemplate jdbcTemplate;

    @Autowired
    private JobWorkers workers;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyJobQueuedOverHttpEndsCompletedOrFailedExactlyOnceWhileWorkersContend() throws Exception {
        RestClient http = RestClient.create("http://localhost:" + this.port);
        long started = System.nanoTime();

        enqueueConcurrently(http);
        long enqueued = System.nanoTime();
        await("every job completed or failed")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .failFast(
                        "a worker could not record the end of a job",
                        () -> this.workers.stats().completionErrors() > 0)
                .until(() -> {
                    Map<String, Object> counts =
                            http.get().uri("/jobs/counts").retrieve().body(JSON_OBJECT);
                    return number(counts, "queued") == 0 && number(counts, "running") == 0;
                });
        long drained = System.nanoTime();

        assertEveryRowIsConsistent();
        assertCountsEndpointAgreesWithTheTable(http);
        assertThat(this.workers.stats().completionErrors()).isZero();
        assertThat(this.workers.stats().claimed()).isEqualTo(TOTAL_JOBS);
        assertThat(this.workers.stats().completed() + this.workers.stats().failed())
                .isEqualTo(TOTAL_JOBS);

        Map<String, Object> dblocks =
                http.get().uri("/actuator/dblocks").retrieve().body(JSON_OBJECT);
        Map<String, Object> retry = object(dblocks, "retry");
        Map<String, Object> methods = object(retry, "methods");
        printFigures(retry, methods, started, enqueued, drained);
        assertThat(number(retry, "calls")).isPositive();
        assertThat(methods).containsKeys("JobRepository.claimNext", "JobRepository.complete", "JobRepository.fail");
        assertThat(number(object(methods, "JobRepository.complete"), "failures"))
                .isZero();
        assertThat(number(object(methods, "JobRepository.fail"), "failures")).isZero();

        // Progress reports went through the write buffer; POST /actuator/dblocks flushes what is left.
        Map<String, Object> flushed =
                http.post().uri("/actuator/dblocks").retrieve().body(JSON_OBJECT);
        assertThat(flushed).containsKey("flushed");
        JdbcClient jdbc = JdbcClient.create(this.jdbcTemplate);
        assertThat(count(jdbc, "SELECT count(*) FROM job_progress WHERE percent = 100"))
                .isEqualTo(TOTAL_JOBS);
        Map<String, Object> writeBuffer =
                object(http.get().uri("/actuator/dblocks").retrieve().body(JSON_OBJECT), "writeBuffer");
        // Claimed and finished for every job, transcribed for the completed ones: every call accepted.
        assertThat(number(writeBuffer, "buffered"))
                .isEqualTo(2L * TOTAL_JOBS + this.workers.stats().completed());
        assertThat(number(writeBuffer, "pending")).isZero();
        assertThat(number(writeBuffer, "failed")).isZero();
        System.out.println("writeBuffer: " + writeBuffer);

        // The service's own log lines went to the log database, not to the main file.
        Map<String, Object> logDatabase = object(dblocks, "logDatabase");
        assertThat(number(logDatabase, "logged")).isPositive();
        assertThat(number(logDatabase, "dropped")).isZero();
        assertThat((String) logDatabase.get("path")).endsWith("sample-logs.db");

        Map<String, Object> health =
                http.get().uri("/actuator/health").retrieve().body(JSON_OBJECT);
        assertThat(health).containsEntry("status", "UP");
        assertDatabaseSpecifics(object(health, "components"), object(dblocks, "database"));

        String prometheus = http.get()
                .uri("/actuator/prometheus")
                .accept(MediaType.TEXT_PLAIN)
                .retrieve()
                .body(String.class);
        assertThat(prometheus)
                .contains("sqlite_hybrid_retry_calls_total{")
                .contains("method=\"JobRepository.claimNext\"")
                .contains("sample_jobs_errors_total{");
    }

    /**
     * Check what differs between the databases: the health components and the {@code database} section of
     * {@code /actuator/dblocks}.
     * @param healthComponents the components of {@code /actuator/health}
     * @param database the {@code database} section of {@code /actuator/dblocks}
     */
    abstract void assertDatabaseSpecifics(Map<String, Object> healthComponents, Map<String, Object> database);

    /** Four clients post single jobs while this thread posts batches, as several users would. */
    private void enqueueConcurrently(RestClient http) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<CompletableFuture<Void>> posting = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int first = client * (SINGLE_JOBS / CLIENTS);
                posting.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = first; i < first + SINGLE_JOBS / CLIENTS; i++) {
                                String url = "https://podcasts.example/show/episode-" + i
                                        + ((i % 20 == 0) ? "-fail.mp3" : ".mp3");
                                http.post()
                                        .uri("/jobs")
                                        .contentType(MediaType.APPLICATION_JSON)
                                        .body(Map.of("episodeUrl", url))
                                        .retrieve()
                                        .toBodilessEntity();
                            }
                        },
                        clients));
            }
            for (int batch = 0; batch < BATCHES; batch++) {
                String prefix = "https://podcasts.example/batch-" + batch + ((batch == 3) ? "-fail" : "") + "/episode-";
                http.post()
                        .uri("/jobs/batch")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("count", BATCH_SIZE, "prefix", prefix))
                        .retrieve()
                        .toBodilessEntity();
            }
            CompletableFuture.allOf(posting.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            clients.shutdownNow();
        }
    }

    private void assertEveryRowIsConsistent() {
        JdbcClient jdbc = JdbcClient.create(this.jdbcTemplate);
        assertThat(count(jdbc, "SELECT count(*) FROM jobs")).isEqualTo(TOTAL_JOBS);
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE status IN ('completed', 'failed')"))
                .isEqualTo(TOTAL_JOBS);
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')"))
                .isZero();
        // Claimed exactly once: no job was run twice, none was lost.
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE attempts <> 1")).isZero();
        assertThat(count(jdbc, """
                        SELECT count(*) FROM jobs j
                        WHERE j.status = 'completed'
                          AND (SELECT count(*) FROM transcripts t WHERE t.job_id = j.id) <> 1""")).isZero();
        assertThat(count(jdbc, """
                        SELECT count(*) FROM transcripts t
                        WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id AND j.status = 'completed')""")).isZero();
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE status = 'failed' AND error IS NULL"))
                .isZero();
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE status = 'completed' AND error IS NOT NULL"))
                .isZero();
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE episode_url LIKE '%fail%'"))
                .isEqualTo(EXPECTED_DETERMINISTIC_FAILURES);
        assertThat(count(jdbc, "SELECT count(*) FROM jobs WHERE episode_url LIKE '%fail%' AND status <> 'failed'"))
                .isZero();
    }

    private void assertCountsEndpointAgreesWithTheTable(RestClient http) {
        Map<String, Object> counts = http.get().uri("/jobs/counts").retrieve().body(JSON_OBJECT);
        JdbcClient jdbc = JdbcClient.create(this.jdbcTemplate);
        assertThat(counts).containsOnlyKeys("queued", "running", "completed", "failed");
        assertThat(number(counts, "completed"))
                .isEqualTo(count(jdbc, "SELECT count(*) FROM jobs WHERE status = 'completed'"));
        assertThat(number(counts, "failed"))
                .isEqualTo(count(jdbc, "SELECT count(*) FROM jobs WHERE status = 'failed'"));
    }

    private void printFigures(
            Map<String, Object> retry, Map<String, Object> methods, long started, long enqueued, long drained) {
        System.out.printf(
                "%d jobs: enqueued in %d ms, all finished after %d ms; workers %s%n",
                TOTAL_JOBS,
                TimeUnit.NANOSECONDS.toMillis(enqueued - started),
                TimeUnit.NANOSECONDS.toMillis(drained - started),
                this.workers.stats());
        System.out.println("dblocks retry: " + figures(retry) + " lockErrorCodes=" + retry.get("lockErrorCodes"));
        methods.forEach((name, figures) -> System.out.println("  " + name + ": " + figures(object(methods, name))));
    }

    private static String figures(Map<String, Object> section) {
        return "calls=" + section.get("calls") + " lockErrors=" + section.get("lockErrors") + " retries="
                + section.get("retries") + " recoveries=" + section.get("recoveries") + " failures="
                + section.get("failures");
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    static long number(Map<String, Object> json, String key) {
        assertThat(json).containsKey(key);
        return ((Number) json.get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> json, String key) {
        assertThat(json).containsKey(key);
        return (Map<String, Object>) json.get(key);
    }
}
