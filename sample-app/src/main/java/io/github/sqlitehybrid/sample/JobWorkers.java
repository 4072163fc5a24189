package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * The pool of {@code sample.workers} threads that run queued jobs, started and stopped with the
 * application.
 *
 * <p>Each worker loops: claim the oldest queued job (one transaction), transcribe it outside any
 * transaction, so that no lock is held during the slow part, then record the transcript or the failure
 * (one transaction). A worker never dies of an exception: it logs it and goes on. What reached the
 * workers despite the retries is counted, in {@link #stats()} and in the {@code sample.jobs.errors} meter.
 *
 * <p>Stopping stops the polling and waits, up to {@code sample.shutdown-timeout}, for the jobs in hand to
 * finish; only then are the workers interrupted. A job interrupted that way, or whose end could not be
 * recorded, stays running until the next start puts it back in the queue.
 */
@Component
public final class JobWorkers implements SmartLifecycle, MeterBinder {

    private static final Log logger = LogFactory.getLog(JobWorkers.class);

    private final JobRepository jobs;

    private final Transcriber transcriber;

    private final JobProgress progress;

    private final LockErrorClassifier lockErrors;

    private final SampleProperties properties;

    private final Object lifecycleMonitor = new Object();

    private volatile boolean running;

    private ExecutorService executor;

    private final LongAdder claimed = new LongAdder();

    private final LongAdder completed = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final LongAdder claimErrors = new LongAdder();

    private final LongAdder completionErrors = new LongAdder();

    private final LongAdder lockErrorsReachingWorkers = new LongAdder();

    JobWorkers(
            JobRepository jobs,
            Transcriber transcriber,
            JobProgress progress,
            LockErrorClassifier lockErrors,
            SampleProperties properties) {
        this.jobs = jobs;
        this.transcriber = transcriber;
        this.progress = progress;
        this.lockErrors = lockErrors;
        this.properties = properties;
    }

    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            int requeued = this.jobs.requeueAbandoned();
            if (requeued > 0) {
                logger.info("Put " + requeued + " jobs left running by an earlier run back in the queue");
            }
            int count = this.properties.workers();
            this.executor = Executors.newFixedThreadPool(count, new CustomizableThreadFactory("job-worker-"));
            this.running = true;
            for (int i = 0; i < count; i++) {
                this.executor.execute(this::work);
            }
            logger.info("Started " + count + " job workers");
        }
    }

    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return;
            }
            this.running = false;
            this.executor.shutdown();
            try {
                long timeout = this.properties.shutdownTimeout().toMillis();
                if (!this.executor.awaitTermination(timeout, TimeUnit.MILLISECONDS)) {
                    logger.warn("Job workers still busy after " + timeout + " ms; interrupting them");
                    this.executor.shutdownNow();
                }
            } catch (InterruptedException ex) {
                this.executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            this.executor = null;
            logger.info("Stopped job workers");
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * What the workers did since the application started.
     * @return the counts so far
     */
    public Stats stats() {
        return new Stats(
                this.claimed.sum(),
                this.completed.sum(),
                this.failed.sum(),
                this.claimErrors.sum(),
                this.completionErrors.sum(),
                this.lockErrorsReachingWorkers.sum());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "sample.jobs.claimed", this.claimed, "Jobs claimed by a worker");
        counter(registry, "sample.jobs.finished", this.completed, "Jobs finished by a worker", "status", "completed");
        counter(registry, "sample.jobs.finished", this.failed, "Jobs finished by a worker", "status", "failed");
        counter(registry, "sample.jobs.errors", this.claimErrors, "Errors that reached a worker", "stage", "claim");
        counter(
                registry,
                "sample.jobs.errors",
                this.completionErrors,
                "Errors that reached a worker",
                "stage",
                "finish");
    }

    private static void counter(
            MeterRegistry registry, String name, LongAdder count, String description, String... tags) {
        FunctionCounter.builder(name, count, LongAdder::sum)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private void work() {
        String worker = Thread.currentThread().getName();
        while (this.running) {
            try {
                if (!runNextJob(worker)) {
                    Thread.sleep(this.properties.pollInterval().toMillis());
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException ex) {
                // Nothing below should throw, but a worker that died would silently shrink the pool.
                logger.error(worker + " met an unexpected error; going on", ex);
            }
        }
    }

    /** Run one job; {@code false} when there was none to claim. */
    private boolean runNextJob(String worker) throws InterruptedException {
        Optional<ClaimedJob> claim;
        try {
            claim = this.jobs.claimNext(worker);
        } catch (RuntimeException ex) {
            // Harmless for the jobs: nothing was claimed, so the job is still queued for the next try.
            this.claimErrors.increment();
            countIfLockError(ex);
            logger.warn(worker + " could not claim a job: " + ex);
            return false;
        }
        if (claim.isEmpty()) {
            return false;
        }
        this.claimed.increment();
        ClaimedJob job = claim.get();
        this.progress.report(job.id(), worker, 10);
        Transcript transcript = null;
        String error = null;
        try {
            transcript = this.transcriber.transcribe(job.episodeUrl());
            this.progress.report(job.id(), worker, 90);
        } catch (TranscriptionException ex) {
            error = ex.getMessage();
        } catch (RuntimeException ex) {
            // A broken transcriber fails the job rather than leaving it running.
            error = "Transcriber failed: " + ex;
        }
        try {
            if (transcript != null) {
                this.jobs.complete(job, transcript);
                this.completed.increment();
            } else {
                this.jobs.fail(job, error);
                this.failed.increment();
            }
            this.progress.report(job.id(), worker, 100);
        } catch (RuntimeException ex) {
            this.completionErrors.increment();
            countIfLockError(ex);
            logger.error(
                    worker + " could not record the end of job " + job.id() + "; it stays running until the"
                            + " next start puts it back in the queue",
                    ex);
        }
        return true;
    }

    private void countIfLockError(RuntimeException ex) {
        if (this.lockErrors.isLockError(ex)) {
            this.lockErrorsReachingWorkers.increment();
        }
    }

    /**
     * What the workers did.
     *
     * @param claimed jobs claimed
     * @param completed jobs completed with a transcript
     * @param failed jobs marked failed
     * @param claimErrors claims that failed, even after retries
     * @param completionErrors jobs whose completion or failure could not be recorded, even after retries
     * @param lockErrors lock errors among both kinds of error: what the retries did not absorb
     */
    public record Stats(
            long claimed, long completed, long failed, long claimErrors, long completionErrors, long lockErrors) {}
}
