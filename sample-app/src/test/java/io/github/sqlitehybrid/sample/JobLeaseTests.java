package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.sqlitehybrid.sample.JobRepository.JobIdRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Leases on running jobs, through the repository alone: the workers are stopped so that only the test claims. */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = "sample.workers=1")
@DirtiesContext
class JobLeaseTests {

    @TempDir
    static Path dataDirectory;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDataFiles.inside(dataDirectory, registry);
    }

    @Autowired
    private JobWorkers workers;

    @Autowired
    private JobRepository jobs;

    @Autowired
    private JdbcTemplate jdbcTemplate;

    @BeforeEach
    void stopWorkersAndEmptyTheQueue() {
        this.workers.stop();
        this.jdbcTemplate.update("DELETE FROM job_progress");
        this.jdbcTemplate.update("DELETE FROM transcripts");
        this.jdbcTemplate.update("DELETE FROM jobs");
    }

    @AfterEach
    void restartWorkers() {
        this.workers.start();
    }

    @Test
    void claimingSetsALeaseFromNowThatRenewingExtends() {
        long id = this.jobs.enqueue("https://pod.example/1.mp3");
        long before = System.currentTimeMillis();

        ClaimedJob job = this.jobs.claimNext("w1@test", Duration.ofSeconds(30)).orElseThrow();

        long after = System.currentTimeMillis();
        assertThat(job.id()).isEqualTo(id);
        assertThat(leaseExpiresAt(id)).isBetween(before + 30_000, after + 30_000);
        assertThat(this.jobs.renewLease(job, Duration.ofMinutes(5))).isTrue();
        assertThat(leaseExpiresAt(id)).isGreaterThanOrEqualTo(before + 300_000);
    }

    @Test
    void theReaperPutsBackOnlyJobsWhoseLeaseExpired() {
        long expiring = this.jobs.enqueue("https://pod.example/expiring.mp3");
        long lasting = this.jobs.enqueue("https://pod.example/lasting.mp3");
        assertThat(this.jobs.claimNext("w1@test", Duration.ZERO)).isPresent();
        assertThat(this.jobs.claimNext("w2@test", Duration.ofMinutes(1))).isPresent();

        assertThat(this.jobs.requeueExpiredLeases()).isEqualTo(1);

        assertThat(row(expiring)).containsExactly("queued", null, null);
        assertThat(row(lasting)).containsExactly("running", "w2@test", leaseExpiresAt(lasting));
        assertThat(this.jobs.requeueExpiredLeases()).isZero();
    }

    @Test
    void aWorkerWhoseJobWasTakenBackCanNeitherFinishNorRenewNorReleaseIt() {
        long id = this.jobs.enqueue("https://pod.example/slow.mp3");
        ClaimedJob first = this.jobs.claimNext("w1@dead", Duration.ZERO).orElseThrow();
        this.jobs.requeueExpiredLeases();
        ClaimedJob second =
                this.jobs.claimNext("w1@alive", Duration.ofMinutes(1)).orElseThrow();
        assertThat(second.id()).isEqualTo(id);

        assertThatIllegalStateException()
                .isThrownBy(() -> this.jobs.complete(first, Transcript.of("late")))
                .withMessage("Job " + id + " is no longer running for w1@dead");
        assertThatIllegalStateException().isThrownBy(() -> this.jobs.fail(first, "late"));
        assertThat(this.jobs.renewLease(first, Duration.ofMinutes(1))).isFalse();
        assertThat(this.jobs.release(first)).isFalse();

        this.jobs.complete(second, Transcript.of("on time"));
        Job job = this.jobs.findById(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.worker()).isEqualTo("w1@alive");
        assertThat(job.attempts()).isEqualTo(2);
        assertThat(job.transcript().text()).isEqualTo("on time");
        assertThat(leaseExpiresAt(id)).isNull();
    }

    @Test
    void releasingPutsTheJobBackAtOnce() {
        long id = this.jobs.enqueue("https://pod.example/dropped.mp3");
        ClaimedJob job = this.jobs.claimNext("w1@test", Duration.ofMinutes(1)).orElseThrow();

        assertThat(this.jobs.release(job)).isTrue();

        assertThat(row(id)).containsExactly("queued", null, null);
        assertThat(this.jobs.claimNext("w2@test", Duration.ofMinutes(1)))
                .hasValueSatisfying((again) -> assertThat(again.id()).isEqualTo(id));
    }

    @Test
    void aBatchAnswersTheIdsOfItsRowsAndStoresSortableTimes() {
        JobIdRange ids = this.jobs.enqueueBatch("https://pod.example/b-", 250);

        List<String> urls = this.jdbcTemplate.queryForList(
                "SELECT episode_url FROM jobs WHERE id BETWEEN ? AND ? ORDER BY id",
                String.class,
                ids.firstId(),
                ids.lastId());
        assertThat(urls).hasSize(250).startsWith("https://pod.example/b-1").endsWith("https://pod.example/b-250");
        assertThat(this.jdbcTemplate.queryForObject("SELECT count(*) FROM jobs", Long.class))
                .isEqualTo(250);
        assertThat(this.jdbcTemplate.queryForObject(
                        "SELECT count(*) FROM jobs WHERE length(created_at) <> 24 OR created_at NOT LIKE '%Z'",
                        Long.class))
                .isZero();
    }

    private Long leaseExpiresAt(long id) {
        return this.jdbcTemplate.queryForObject("SELECT lease_expires_at FROM jobs WHERE id = ?", Long.class, id);
    }

    private List<Object> row(long id) {
        return this.jdbcTemplate.queryForObject(
                "SELECT status, worker, lease_expires_at FROM jobs WHERE id = ?",
                (rs, n) -> Arrays.asList(rs.getString(1), rs.getString(2), rs.getObject(3)),
                id);
    }
}
