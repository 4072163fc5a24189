package io.github.sqlitehybrid.writer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The group commit writer's thread: takes whatever units are queued, up to {@code max-batch}, and hands them to
 * its {@link GroupTransaction} as one group. Asked to stop, it runs every unit still queued, then closes its
 * connection; a writer that starts again gets a new worker.
 */
final class GroupCommitWorker implements Runnable {

    // Logged as the writer: its name is the one applications configure.
    private static final Log logger = LogFactory.getLog(GroupCommitWriter.class);

    /** How long an idle writer sleeps before it looks at its stop flag again. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final BlockingQueue<PendingUnit<?>> queue;

    private final int maxBatch;

    private final GroupCommitConnection connection;

    private final GroupTransaction transaction;

    private final GroupCommitTracker tracker;

    private final Thread thread;

    private final List<Runnable> stopCallbacks = new ArrayList<>();

    private final CountDownLatch terminated = new CountDownLatch(1);

    private volatile boolean stopRequested;

    /**
     * Create the worker and its thread, not yet started.
     * @param queue the writer's queue of accepted units
     * @param maxBatch most units in one group
     * @param connection the connection the worker closes when it stops
     * @param transaction runs each group on that connection
     * @param tracker told how long units waited in the queue
     */
    GroupCommitWorker(
            BlockingQueue<PendingUnit<?>> queue,
            int maxBatch,
            GroupCommitConnection connection,
            GroupTransaction transaction,
            GroupCommitTracker tracker) {
        this.queue = queue;
        this.maxBatch = maxBatch;
        this.connection = connection;
        this.transaction = transaction;
        this.tracker = tracker;
        this.thread = new Thread(this, "sqlite-group-commit");
        // Daemon: an application that never closes its context must still be able to exit.
        this.thread.setDaemon(true);
    }

    void start() {
        this.thread.start();
    }

    /** Whether the calling thread is this worker's: a unit, or an action attached to a future. */
    boolean isWorkerThread() {
        return this.thread == Thread.currentThread();
    }

    /** Whether the calling thread holds the write turn this worker's groups wait for. */
    boolean isTurnHeldByCurrentThread() {
        return this.transaction.isTurnHeldByCurrentThread();
    }

    /** Whether the worker was asked to stop: it takes what is queued, but nothing offered later is sure to run. */
    boolean isStopRequested() {
        return this.stopRequested;
    }

    /**
     * Ask the worker to stop once the queue is empty.
     * @param callback run when the worker has finished: at once if it has already
     */
    void requestStop(Runnable callback) {
        synchronized (this.stopCallbacks) {
            if (this.terminated.getCount() > 0) {
                this.stopCallbacks.add(callback);
                this.stopRequested = true;
                return;
            }
        }
        callback.run();
    }

    /** Wait until the worker has finished and closed its connection. */
    void awaitTermination() {
        try {
            this.terminated.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        List<PendingUnit<?>> group = new ArrayList<>(Math.min(this.maxBatch, 4096));
        try {
            while (takeGroup(group)) {
                runGroup(group);
                group.clear();
            }
        } finally {
            shutDown();
        }
    }

    /**
     * Wait for a unit, then take it with whatever else is queued, up to {@code max-batch} units.
     * @return whether there is a group to run; {@code false} once stopping and the queue is empty
     */
    private boolean takeGroup(List<PendingUnit<?>> group) {
        PendingUnit<?> first = nextUnit();
        while (first == null) {
            if (this.stopRequested && this.queue.isEmpty()) {
                return false;
            }
            first = nextUnit();
        }
        group.add(first);
        this.queue.drainTo(group, this.maxBatch - 1);
        return true;
    }

    private @Nullable PendingUnit<?> nextUnit() {
        try {
            return this.stopRequested ? this.queue.poll() : this.queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            // Nobody should interrupt the writer; stopping is done through stop().
            return null;
        }
    }

    private void runGroup(List<PendingUnit<?>> group) {
        try {
            recordDequeued(group);
            this.transaction.run(group);
        } catch (RuntimeException | Error ex) {
            // A bug here must not strand the group's callers or end the only writer thread.
            logger.error("Group commit writer failed to run a group", ex);
            this.connection.rollbackQuietly();
            for (PendingUnit<?> pending : group) {
                pending.future().completeExceptionally(ex);
            }
        }
    }

    private void recordDequeued(List<PendingUnit<?>> group) {
        long started = System.nanoTime();
        long waited = 0;
        for (PendingUnit<?> pending : group) {
            long wait = started - pending.enqueuedNanos();
            waited += wait;
            this.tracker.unitDequeued(wait);
        }
        this.tracker.groupDequeued(group.size(), waited);
    }

    private void shutDown() {
        this.connection.close();
        List<Runnable> callbacks;
        synchronized (this.stopCallbacks) {
            this.stopRequested = true;
            this.terminated.countDown();
            callbacks = new ArrayList<>(this.stopCallbacks);
        }
        callbacks.forEach(Runnable::run);
    }
}
