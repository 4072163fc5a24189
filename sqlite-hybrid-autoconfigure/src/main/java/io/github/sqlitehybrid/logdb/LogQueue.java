package io.github.sqlitehybrid.logdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The lines between the appender and the writer, and what became of each: accepted into the bounded queue or
 * dropped, then written or given up by the writer. {@link LogDatabase#flush} waits here until the lines it
 * asked for are settled; the counters are atomic, the one monitor only carries that signal, and nothing here
 * does I/O.
 */
final class LogQueue {

    private final ArrayBlockingQueue<LogLine> lines;

    private final LongAdder accepted = new LongAdder();

    private final LongAdder dropped = new LongAdder();

    private final AtomicLong written = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    /** The most lines any caller of flush asked to be settled. */
    private final AtomicLong flushTarget = new AtomicLong();

    private volatile long lastWriteMillis;

    /** Notified whenever lines are settled, so that flush() need not poll. */
    private final Object progress = new Object();

    LogQueue(int capacity) {
        this.lines = new ArrayBlockingQueue<>(capacity);
    }

    /** Called on the logging thread: never blocks. */
    void offer(LogLine line) {
        if (this.lines.offer(line)) {
            this.accepted.increment();
        } else {
            this.dropped.increment();
        }
    }

    /** Move up to {@code max} queued lines to the batch without waiting. */
    void drainTo(List<LogLine> batch, int max) {
        if (max > 0) {
            this.lines.drainTo(batch, max);
        }
    }

    /** Wait up to the given time for one line. */
    @Nullable
    LogLine poll(long timeoutNanos) throws InterruptedException {
        return this.lines.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    boolean isEmpty() {
        return this.lines.isEmpty();
    }

    /** Settle every queued line as given up. */
    void giveUpQueued() {
        List<LogLine> rest = new ArrayList<>();
        this.lines.drainTo(rest);
        this.failed.addAndGet(rest.size());
        signalProgress();
    }

    void written(int count) {
        this.written.addAndGet(count);
        this.lastWriteMillis = System.currentTimeMillis();
    }

    void failed(int count) {
        this.failed.addAndGet(count);
    }

    /** Wake whoever waits in {@link #awaitSettled}: a batch was written, or tried and not written. */
    void signalProgress() {
        synchronized (this.progress) {
            this.progress.notifyAll();
        }
    }

    /**
     * Ask that every line accepted so far be written.
     * @return how many lines must be settled for the request to be met
     */
    long requestFlush() {
        long target = this.accepted.sum();
        this.flushTarget.accumulateAndGet(target, Math::max);
        return target;
    }

    /** Whether a caller of flush waits for lines not yet settled. */
    boolean flushRequested() {
        return this.flushTarget.get() > settled();
    }

    /**
     * Wait until the given number of lines are settled, the deadline passes or the writer is gone.
     * @return whether they were settled
     */
    boolean awaitSettled(long target, long deadlineNanos, BooleanSupplier writerAlive) {
        synchronized (this.progress) {
            while (settled() < target) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0 || !writerAlive.getAsBoolean()) {
                    return settled() >= target;
                }
                try {
                    this.progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(remaining, 100_000_000L))));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    long written() {
        return this.written.get();
    }

    long dropped() {
        return this.dropped.sum();
    }

    long failed() {
        return this.failed.get();
    }

    long pending() {
        return Math.max(0, this.accepted.sum() - settled());
    }

    long lastWriteMillis() {
        return this.lastWriteMillis;
    }

    private long settled() {
        return this.written.get() + this.failed.get();
    }
}
