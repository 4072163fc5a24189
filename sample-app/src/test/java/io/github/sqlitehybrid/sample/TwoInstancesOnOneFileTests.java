package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;

/**
 * Two JVMs of the sample service on one database file. They share no write turn: a write of one waits for the
 * other's lock through SQLite's busy timeout, and what outlasts it is retried by {@code @DbRetry}. Leases keep
 * each instance's hands off the other's running jobs.
 */
@Timeout(240)
class TwoInstancesOnOneFileTests {

    private static final int JOBS = 5_000;

    private static final int BATCH = 500;

    @TempDir
    Path dataDirectory;

    @RegisterExtension
    final SampleProcesses processes = new SampleProcesses();

    @Test
    void twoInstancesCompleteEveryJobExactlyOnceAndBothDoSomeOfTheWork() {
        Map<String, String> properties = Map.of("sample.workers", "4", "sample.failure-rate", "0");
        SampleProcess first = this.processes.start("first", this.dataDirectory, properties);
        SampleProcess second = this.processes.start("second", this.dataDirectory, properties);
        first.awaitReady();
        second.awaitReady();

        for (int batch = 0; batch < JOBS / BATCH; batch++) {
            // Both instances take batches: each one's inserts contend with both instances' workers.
            SampleProcess target = (batch % 2 == 0) ? first : second;
            target.http()
                    .post()
                    .uri("/jobs/batch")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("count", BATCH, "prefix", "https://pod.example/b" + batch + "/ep-"))
                    .retrieve()
                    .toBodilessEntity();
        }
        await("every job finished")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<String, Object> counts = first.getJson("/jobs/counts");
                    return ((Number) counts.get("completed")).longValue() + ((Number) counts.get("failed")).longValue()
                            == JOBS;
                });
        Map<String, Object> firstLocks = first.getJson("/actuator/dblocks");
        Map<String, Object> secondLocks = second.getJson("/actuator/dblocks");
        first.sigterm();
        second.sigterm();
        first.awaitExit(Duration.ofSeconds(60));
        second.awaitExit(Duration.ofSeconds(60));

        DatabaseFile file = new DatabaseFile(this.dataDirectory.resolve("sample.db"));
        assertThat(file.number("SELECT count(*) FROM jobs")).isEqualTo(JOBS);
        assertThat(file.number("SELECT count(*) FROM jobs WHERE status = 'completed'"))
                .isEqualTo(JOBS);
        assertThat(file.number("SELECT count(*) FROM jobs WHERE attempts <> 1")).isZero();
        assertThat(file.number("SELECT count(*) FROM transcripts")).isEqualTo(JOBS);
        assertThat(
                        file.number(
                                "SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM transcripts t WHERE t.job_id = j.id) <> 1"))
                .isZero();
        assertThat(file.number("SELECT count(*) FROM job_progress WHERE percent = 100"))
                .isEqualTo(JOBS);
        long byFirst = completedBy(file, first);
        long bySecond = completedBy(file, second);
        assertThat(byFirst).isPositive();
        assertThat(bySecond).isPositive();
        assertThat(byFirst + bySecond).isEqualTo(JOBS);
        assertThat(file.integrityCheck()).containsExactly("ok");
        System.out.printf(
                "Two instances: %d jobs by the first, %d by the second%n  first  %s%n  second %s%n",
                byFirst, bySecond, retryFigures(firstLocks), retryFigures(secondLocks));
    }

    /** Worker names end with {@code @<pid>-<random>}: the jobs a process's workers completed. */
    private static long completedBy(DatabaseFile file, SampleProcess process) {
        return file.number(
                "SELECT count(*) FROM jobs WHERE status = 'completed' AND worker LIKE ?", "%@" + process.pid() + "-%");
    }

    @SuppressWarnings("unchecked")
    private static String retryFigures(Map<String, Object> dblocks) {
        Map<String, Object> retry = (Map<String, Object>) dblocks.get("retry");
        Map<String, Object> writeBuffer = (Map<String, Object>) dblocks.get("writeBuffer");
        Map<String, Object> writer = (Map<String, Object>) dblocks.get("writer");
        return "retry: calls=" + retry.get("calls") + " lockErrors=" + retry.get("lockErrors") + " retries="
                + retry.get("retries") + " recoveries=" + retry.get("recoveries") + " failures=" + retry.get("failures")
                + " lockErrorCodes=" + retry.get("lockErrorCodes") + "; writeBuffer: flushed="
                + writeBuffer.get("flushed") + " failed=" + writeBuffer.get("failed")
                + "; write turn (waits for the other process's lock show in the hold times): avgHoldMs="
                + writer.get("avgHoldMs") + " maxHoldMs=" + writer.get("maxHoldMs") + " longTransactions="
                + writer.get("longTransactions");
    }
}
