package io.github.sqlitehybrid.logdb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The writer thread, {@value LogDatabase#WRITER_THREAD_NAME}: writes queued lines in transactions of at most
 * {@code max-batch-size}, tries a refused batch again, runs retention when it is due, and writes what is left
 * when stopped. One per start; its batch and retry state belong to its thread, and to the thread that stops it
 * once it has ended.
 */
final class LogWriter {

    private static final int MAX_WRITE_ATTEMPTS = 3;

    private final LogQueue queue;

    private final LogStatements statements;

    private final LogRetention retention;

    private final LastError lastError;

    private final int maxBatchSize;

    private final long flushIntervalNanos;

    private final Thread thread;

    private final List<LogLine> batch = new ArrayList<>();

    private volatile boolean stopRequested;

    private int attempts;

    private boolean retrying;

    private long retryAt;

    LogWriter(
            LogQueue queue,
            LogStatements statements,
            LogRetention retention,
            LastError lastError,
            int maxBatchSize,
            Duration flushInterval) {
        this.queue = queue;
        this.statements = statements;
        this.retention = retention;
        this.lastError = lastError;
        this.maxBatchSize = maxBatchSize;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.thread = new Thread(this::run, LogDatabase.WRITER_THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        this.thread.start();
    }

    /** Make the writer look at the queue and the flush request now rather than after its wait. */
    void wake() {
        this.thread.interrupt();
    }

    boolean isWriterThread() {
        return Thread.currentThread() == this.thread;
    }

    boolean isAlive() {
        return this.thread.isAlive();
    }

    /**
     * Ask the thread to write what it holds and end, and wait for it; then write here any line offered too late
     * for it.
     */
    void stop(Duration timeout) {
        this.stopRequested = true;
        this.thread.interrupt();
        try {
            this.thread.join(timeout.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (this.thread.isAlive()) {
            this.lastError.record("the writer did not finish within " + timeout.toSeconds() + "s", null);
        } else if (!this.queue.isEmpty()) {
            // A line offered while the appender was being detached: the writer is gone, write it here.
            drainOnStop();
        }
    }

    private void run() {
        long now = System.nanoTime();
        long nextFlush = now + this.flushIntervalNanos;
        long nextRetention = now;
        while (!this.stopRequested) {
            try {
                fill();
                now = System.nanoTime();
                boolean due = now - nextFlush >= 0;
                if (due) {
                    nextFlush = now + this.flushIntervalNanos;
                }
                if (shouldWrite(now, due)) {
                    write(false);
                } else if (now - nextRetention >= 0) {
                    nextRetention = this.retention.runScheduled(now, this::betweenChunks);
                } else {
                    await(now, nextFlush);
                }
            } catch (InterruptedException ex) {
                // Woken by flush() or stop(): look at the flags again.
            } catch (Throwable ex) {
                this.lastError.record("log writer", ex);
                pause();
            }
        }
        drainOnStop();
    }

    private boolean shouldWrite(long now, boolean due) {
        if (this.batch.isEmpty()) {
            return false;
        }
        if (this.retrying) {
            return now - this.retryAt >= 0;
        }
        return this.batch.size() >= this.maxBatchSize || due || this.queue.flushRequested();
    }

    private void fill() {
        this.queue.drainTo(this.batch, this.maxBatchSize - this.batch.size());
    }

    private void await(long now, long nextFlush) throws InterruptedException {
        long until = (this.retrying && this.retryAt - nextFlush < 0) ? this.retryAt : nextFlush;
        long wait = until - now;
        if (wait <= 0) {
            return;
        }
        if (this.retrying || this.batch.size() >= this.maxBatchSize) {
            TimeUnit.NANOSECONDS.sleep(wait);
            return;
        }
        LogLine line = this.queue.poll(wait);
        if (line != null) {
            this.batch.add(line);
        }
    }

    /** Write the batch; returns whether it was written. */
    private boolean write(boolean stopping) {
        int size = this.batch.size();
        try {
            this.queue.written(this.statements.insert(this.batch));
            this.lastError.recovered();
            this.batch.clear();
            this.attempts = 0;
            this.retrying = false;
            return true;
        } catch (Throwable ex) {
            retryOrGiveUp(size, stopping, ex);
            return false;
        } finally {
            this.queue.signalProgress();
        }
    }

    /** After a refused batch: try it again after a flush interval, or give its lines up. */
    private void retryOrGiveUp(int size, boolean stopping, Throwable ex) {
        this.attempts++;
        if (stopping || this.attempts >= MAX_WRITE_ATTEMPTS) {
            this.lastError.record("gave up " + size + " log lines after " + this.attempts + " attempts", ex);
            this.queue.failed(size);
            this.batch.clear();
            this.attempts = 0;
            this.retrying = false;
        } else {
            this.lastError.record("could not write " + size + " log lines, will try again", ex);
            this.retrying = true;
            this.retryAt = System.nanoTime() + this.flushIntervalNanos;
        }
    }

    /** Keep lines flowing while old ones are deleted; stop deleting when asked to stop. */
    private boolean betweenChunks() {
        if (this.stopRequested) {
            return false;
        }
        fill();
        if (!this.retrying && this.batch.size() >= this.maxBatchSize) {
            write(false);
        }
        return true;
    }

    /** Write what is held and queued, one attempt per batch; after a failure, give the rest up. */
    private void drainOnStop() {
        while (true) {
            fill();
            if (this.batch.isEmpty()) {
                return;
            }
            if (!write(true)) {
                this.queue.giveUpQueued();
                return;
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.min(this.flushIntervalNanos, 1_000_000_000L));
        } catch (InterruptedException ex) {
            // Woken to stop or flush.
        }
    }
}
