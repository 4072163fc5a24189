package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p>A claimed job is leased for {@code sample.lease-duration}. One more thread, the lease keeper, renews the
 * leases of the jobs in hand every third of that time and puts back in the queue every running job whose
 * lease expired, whichever process claimed it: several processes can share one file, and the jobs of one
 * that died come back once their lease runs out. Worker names are unique across processes ({@code
 * job-worker-<n>@<pid>-<random>}), so a worker only ever finishes its own claims.
 *
 * <p>Stopping stops the polling and waits, up to {@code sample.shutdown-timeout}, for the jobs in hand to
 * finish; only then are the workers interrupted, and each puts its job back in the queue. A job whose end
 * could not be recorded stays running until its lease expires. The {@linkplain #getPhase() phase} is the
 * default one: the workers stop before the web server and long before the starter's write buffer
 * ({@code WriteBuffer.PHASE}) and log database ({@code LogDatabase.PHASE}), so their last progress reports
 * are flushed and their last log lines kept.
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

    private ScheduledExecutorService leaseKeeper;

    /** Tells this process's workers from those of every other process on the same file. */
    private final String instanceId = ProcessHandle.current().pid() + "-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    private final Map<Long, ClaimedJob> inHand = new ConcurrentHashMap<>();

    private final LongAdder requeued = new LongAdder();

    private final LongAdder released = new LongAdder();

    private final LongAdder leaseErrors = new LongAdder();

    private final LongAdder claimed = new LongAdder();

    private final LongAdder completed = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final LongAdder claimErrors = new LongAdder();

    private final LongAdder completionErrors = new LongAdder();

    private final LongAdder lockErrorsReachingWorkers = new LongAdder();

    /** How long stopping waits for interrupted workers to put their jobs back. */
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

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
            int count = this.properties.workers();
            this.executor = Executors.newFixedThreadPool(count, new CustomizableThreadFactory("job-worker-"));
            this.leaseKeeper =
                    Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("job-lease-keeper-"));
            long period = Math.max(10, this.properties.leaseDuration().toMillis() / 3);
            this.leaseKeeper.scheduleWithFixedDelay(this::keepLeases, 0, period, TimeUnit.MILLISECONDS);
            this.running = true;
            for (int i = 0; i < count; i++) {
                this.executor.execute(this::work);
            }
            logger.info("Started " + count + " job workers, instance " + this.instanceId + ", lease "
                    + this.properties.leaseDuration());
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
                    // Interrupted workers put their jobs back in the queue: let them, within bounds.
                    if (!this.executor.awaitTermination(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        logger.warn("Job workers ignored the interrupt; their jobs come back when their leases"
                                + " expire");
                    }
                }
            } catch (InterruptedException ex) {
                this.executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            // Only now: the leases of jobs in hand were renewed while the workers finished them.
            this.leaseKeeper.shutdownNow();
            this.executor = null;
            this.leaseKeeper = null;
            logger.info("Stopped job workers: " + stats());
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * The default phase, {@link SmartLifecycle#DEFAULT_PHASE}, said out loud: stopped first, before the web
     * server, the starter's write buffer and its log database, which all have lower phases.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /**
     * What follows {@code @} in this process's worker names.
     * @return the process id, a dash and a random number
     */
    public String instanceId() {
        return this.instanceId;
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
                this.lockErrorsReachingWorkers.sum(),
                this.requeued.sum(),
                this.released.sum(),
                this.leaseErrors.sum());
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
        counter(registry, "sample.jobs.errors", this.leaseErrors, "Errors that reached a worker", "stage", "lease");
        counter(
                registry,
                "sample.jobs.requeued",
                this.requeued,
                "Running jobs put back in the queue",
                "reason",
                "lease-expired");
        counter(
                registry,
                "sample.jobs.requeued",
                this.released,
                "Running jobs put back in the queue",
                "reason",
                "stop");
    }

    private static void counter(
            MeterRegistry registry, String name, LongAdder count, String description, String... tags) {
        FunctionCounter.builder(name, count, LongAdder::sum)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private void work() {
        String worker = Thread.currentThread().getName() + "@" + this.instanceId;
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
            claim = this.jobs.claimNext(worker, this.properties.leaseDuration());
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
        this.inHand.put(job.id(), job);
        try {
            runClaimed(job);
        } finally {
            this.inHand.remove(job.id());
        }
        return true;
    }

    private void runClaimed(ClaimedJob job) throws InterruptedException {
        this.progress.report(job.id(), job.worker(), 10);
        Transcript transcript = null;
        String error = null;
        try {
            transcript = this.transcriber.transcribe(job.episodeUrl());
            this.progress.report(job.id(), job.worker(), 90);
        } catch (TranscriptionException ex) {
            error = ex.getMessage();
        } catch (InterruptedException ex) {
            release(job);
            throw ex;
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
            this.progress.report(job.id(), job.worker(), 100);
        } catch (RuntimeException ex) {
            this.completionErrors.increment();
            countIfLockError(ex);
            logger.error(
                    job.worker() + " could not record the end of job " + job.id() + "; it stays running until its"
                            + " lease expires and then goes back to the queue",
                    ex);
        }
    }

    /** Put back a job the worker was told to drop, the interrupt set aside so the write is not cut short. */
    private void release(ClaimedJob job) {
        boolean interrupted = Thread.interrupted();
        try {
            if (this.jobs.release(job)) {
                this.released.increment();
                logger.info(job.worker() + " was interrupted and put job " + job.id() + " back in the queue");
            }
        } catch (RuntimeException ex) {
            this.leaseErrors.increment();
            countIfLockError(ex);
            logger.warn(job.worker() + " could not put job " + job.id() + " back; its lease will expire: " + ex);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On the lease keeper: renew the leases of the jobs in hand, then take back the expired ones. */
    private void keepLeases() {
        Duration lease = this.properties.leaseDuration();
        try {
            for (ClaimedJob job : this.inHand.values()) {
                if (!this.jobs.renewLease(job, lease) && this.inHand.containsKey(job.id())) {
                    logger.debug("Lease of job " + job.id() + " not renewed: " + job.worker() + " no longer owns it");
                }
            }
            int count = this.jobs.requeueExpiredLeases();
            if (count > 0) {
                this.requeued.add(count);
                logger.info("Put " + count + " running jobs whose lease expired back in the queue");
            }
        } catch (RuntimeException ex) {
            // Tried again at the next period; a scheduled task that threw would never run again.
            this.leaseErrors.increment();
            countIfLockError(ex);
            logger.warn("Could not renew or check job leases: " + ex);
        }
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
     * @param lockErrors lock errors among every kind of error: what the retries did not absorb
     * @param requeued running jobs, of any process, that this process put back in the queue when their lease
     *     expired
     * @param released jobs this process's workers put back in the queue when they were interrupted
     * @param leaseErrors errors while renewing leases, taking back expired ones, or putting jobs back
     */
    public record Stats(
            long claimed,
            long completed,
            long failed,
            long claimErrors,
            long completionErrors,
            long lockErrors,
            long requeued,
            long released,
            long leaseErrors) {}
}
