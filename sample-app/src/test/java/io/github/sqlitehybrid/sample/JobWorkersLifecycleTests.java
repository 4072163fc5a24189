package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Starting and stopping the workers: jobs in hand finish, abandoned ones come back when their lease expires,
 * the wait is bounded. The lease (600 ms) is shorter than a job (1 s): only renewal keeps a job with its worker.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.NONE,
        properties = {
            "sample.workers=2",
            "sample.work-time=1s",
            "sample.failure-rate=0",
            "sample.poll-interval=20ms",
            "sample.lease-duration=600ms"
        })
@DirtiesContext
@Timeout(60)
class JobWorkersLifecycleTests {

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
    private JobProgress progress;

    @Autowired
    private JdbcTemplate jdbcTemplate;

    @Autowired
    private LockErrorClassifier lockErrors;

    @AfterEach
    void restartWorkers() {
        this.workers.start();
    }

    @Test
    void stoppingLetsTheJobInHandFinishThenStopsPolling() throws InterruptedException {
        long id = this.jobs.enqueue("https://pod.example/long-episode.mp3");
        awaitStatus(id, JobStatus.RUNNING);

        long started = System.nanoTime();
        this.workers.stop();
        Duration stopping = Duration.ofNanos(System.nanoTime() - started);

        assertThat(this.workers.isRunning()).isFalse();
        assertThat(status(id)).isEqualTo(JobStatus.COMPLETED);
        // Renewed while it ran for longer than its lease, so never taken back and claimed again.
        assertThat(this.jobs.findById(id).orElseThrow().attempts()).isEqualTo(1);
        assertThat(stopping).isLessThan(Duration.ofSeconds(5));
        long queuedAfterStop = this.jobs.enqueue("https://pod.example/after-stop.mp3");
        Thread.sleep(300); // fifteen poll intervals: a worker still polling would have claimed it
        assertThat(status(queuedAfterStop)).isEqualTo(JobStatus.QUEUED);

        this.workers.start();
        awaitStatus(queuedAfterStop, JobStatus.COMPLETED);
    }

    @Test
    void aRunningJobWhoseLeaseExpiredGoesBackToTheQueueWhileOneWithALiveLeaseStaysWithItsOwner() {
        this.workers.stop();
        long expired = this.jobs.enqueue("https://pod.example/abandoned.mp3");
        long leased = this.jobs.enqueue("https://pod.example/leased-elsewhere.mp3");
        long now = System.currentTimeMillis();
        runningFor(expired, "job-worker-1@dead-process", now - 1);
        runningFor(
                leased,
                "job-worker-1@live-process",
                now + Duration.ofMinutes(10).toMillis());

        this.workers.start();

        awaitStatus(expired, JobStatus.COMPLETED);
        Job job = this.jobs.findById(expired).orElseThrow();
        assertThat(job.attempts()).isEqualTo(2);
        assertThat(job.worker()).startsWith("job-worker-").endsWith("@" + this.workers.instanceId());
        assertThat(job.transcript()).isNotNull();
        // The same pass of the lease keeper saw both: the live lease was left alone.
        Job other = this.jobs.findById(leased).orElseThrow();
        assertThat(other.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(other.worker()).isEqualTo("job-worker-1@live-process");
        this.jdbcTemplate.update("UPDATE jobs SET status = 'failed', error = 'test over' WHERE id = ?", leased);
    }

    @Test
    void aRunningJobWithoutALeaseCountsAsExpired() {
        this.workers.stop();
        long id = this.jobs.enqueue("https://pod.example/from-before-leases.mp3");
        this.jdbcTemplate.update(
                "UPDATE jobs SET status = 'running', worker = 'old-worker', attempts = 1 WHERE id = ?", id);

        this.workers.start();

        awaitStatus(id, JobStatus.COMPLETED);
        assertThat(this.jobs.findById(id).orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void stoppingInterruptsAJobThatOutlastsTheShutdownTimeout() {
        this.workers.stop();
        Transcriber endless = (episodeUrl) -> {
            Thread.sleep(Duration.ofMinutes(1).toMillis());
            return Transcript.of("never");
        };
        SampleProperties properties = new SampleProperties(
                1, Duration.ofMillis(20), Duration.ZERO, 0, Duration.ofMillis(300), Duration.ofSeconds(30));
        JobWorkers stuck = new JobWorkers(this.jobs, endless, this.progress, this.lockErrors, properties);
        stuck.start();
        long id = this.jobs.enqueue("https://pod.example/endless.mp3");
        awaitStatus(id, JobStatus.RUNNING);

        long started = System.nanoTime();
        stuck.stop();
        Duration stopping = Duration.ofNanos(System.nanoTime() - started);

        assertThat(stopping).isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
        // The interrupted worker put it back at once, without waiting for its 30 s lease to expire.
        Job job = this.jobs.findById(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.worker()).isNull();
        assertThat(stuck.stats().released()).isEqualTo(1);
        this.workers.start();
        awaitStatus(id, JobStatus.COMPLETED);
    }

    private void runningFor(long id, String worker, long leaseExpiresAt) {
        this.jdbcTemplate.update(
                "UPDATE jobs SET status = 'running', worker = ?, attempts = 1, lease_expires_at = ? WHERE id = ?",
                worker,
                leaseExpiresAt,
                id);
    }

    private void awaitStatus(long id, JobStatus status) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> status(id) == status);
    }

    private JobStatus status(long id) {
        return this.jobs.findById(id).orElseThrow().status();
    }
}
