package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;

/**
 * SIGTERM to the sample service: Boot's shutdown hook stops the lifecycle beans from the highest phase down, the
 * job workers ({@code DEFAULT_PHASE}) first, then the web server's graceful shutdown, then the starter's write
 * buffer, then its log database, so the workers' last progress reports and log lines are written before the
 * process exits.
 */
@Timeout(180)
class GracefulStopTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private static final int CLIENTS = 4;

    @TempDir
    Path dataDirectory;

    @RegisterExtension
    final SampleProcesses processes = new SampleProcesses();

    @Test
    void sigtermUnderLoadKeepsEveryAcceptedJobFinishesOrReturnsRunningOnesAndFlushesBufferAndLogs() throws Exception {
        SampleProcess service = this.processes.startReady(
                "service",
                this.dataDirectory,
                Map.of("sample.workers", "8", "sample.work-time", "30ms", "sample.failure-rate", "0.1"));
        DatabaseFile file = new DatabaseFile(this.dataDirectory.resolve("sample.db"));
        Set<Long> accepted = ConcurrentHashMap.newKeySet();
        AtomicLong refused = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> posting = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int number = client;
            posting.add(clients.submit(() -> post(service, number, accepted, refused)));
        }
        try {
            await("jobs completing under load")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            file.number("SELECT count(*) FROM jobs WHERE status IN ('completed', 'failed')") >= 300);

            service.sigterm();
            service.awaitExit(Duration.ofSeconds(60));
            for (Future<?> client : posting) {
                client.get(1, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }

        assertThat(accepted).hasSizeGreaterThan(300);
        List<Long> stored = file.ids("SELECT id FROM jobs");
        assertThat(stored).containsAll(accepted);
        assertThat(file.number("SELECT count(*) FROM jobs WHERE status = 'running'"))
                .isZero();
        long finished = file.number("SELECT count(*) FROM jobs WHERE status IN ('completed', 'failed')");
        assertThat(file.number("""
                SELECT count(*) FROM jobs j WHERE j.status IN ('completed', 'failed')
                  AND NOT EXISTS (SELECT 1 FROM job_progress p WHERE p.job_id = j.id AND p.percent = 100)"""))
                .as("finished jobs whose final progress report was not flushed at stop")
                .isZero();
        DatabaseFile logs = new DatabaseFile(this.dataDirectory.resolve("sample-logs.db"));
        assertThat(logs.number(
                        "SELECT count(*) FROM logs WHERE logger = ? AND message LIKE 'Stopped job workers%'",
                        JobWorkers.class.getName()))
                .isOne();
        System.out.printf(
                "Graceful stop: %d jobs accepted, %d refused or cut off, %d finished, %d still queued%n",
                accepted.size(),
                refused.get(),
                finished,
                file.number("SELECT count(*) FROM jobs WHERE status = 'queued'"));
    }

    @Test
    void sigtermPutsJobsThatOutlastTheShutdownTimeoutBackInTheQueue() {
        SampleProcess service = this.processes.startReady(
                "service",
                this.dataDirectory,
                Map.of("sample.workers", "2", "sample.work-time", "10m", "sample.shutdown-timeout", "500ms"));
        for (int i = 0; i < 3; i++) {
            service.http()
                    .post()
                    .uri("/jobs")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("episodeUrl", "https://pod.example/very-long-" + i + ".mp3"))
                    .retrieve()
                    .toBodilessEntity();
        }
        DatabaseFile file = new DatabaseFile(this.dataDirectory.resolve("sample.db"));
        await("both workers busy")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> file.number("SELECT count(*) FROM jobs WHERE status = 'running'") == 2);

        service.sigterm();
        service.awaitExit(Duration.ofSeconds(60));

        assertThat(file.number("SELECT count(*) FROM jobs WHERE status = 'queued' AND worker IS NULL"))
                .isEqualTo(3);
        assertThat(file.number("SELECT count(*) FROM jobs WHERE attempts = 1")).isEqualTo(2);
        DatabaseFile logs = new DatabaseFile(this.dataDirectory.resolve("sample-logs.db"));
        assertThat(logs.number("SELECT count(*) FROM logs WHERE message LIKE '%was interrupted and put job % back%'"))
                .isEqualTo(2);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Posts jobs until the service stops answering; keeps the ids of those answered 2xx. */
    private static void post(SampleProcess service, int client, Set<Long> accepted, AtomicLong refused) {
        for (int i = 0; service.isAlive() && !Thread.currentThread().isInterrupted(); i++) {
            try {
                Map<String, Object> created = service.http()
                        .post()
                        .uri("/jobs")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("episodeUrl", "https://pod.example/c" + client + "/ep-" + i + ".mp3"))
                        .retrieve()
                        .body(JSON_OBJECT);
                accepted.add(((Number) created.get("id")).longValue());
            } catch (RuntimeException ex) {
                // Refused while stopping, or cut off: not accepted, so nothing is owed.
                refused.incrementAndGet();
                pause();
            }
        }
    }
}
