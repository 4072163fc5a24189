package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.context.SmartLifecycle;

/**
 * Application logs in their own SQLite file, written in batches by one background thread, so that logging
 * never waits for the main database and the main database never waits for logging.
 *
 * <p>Once {@linkplain #start() started}, a Logback appender on the root logger (or the logger named at
 * construction) copies each line at or above {@code min-level} into a bounded queue and returns at once.
 * When the queue is full the line is dropped and counted ({@link LogDatabaseStats#dropped()}); the logging
 * thread never waits for SQLite. One daemon thread, {@value #WRITER_THREAD_NAME}, writes the queue in
 * transactions of at most {@code max-batch-size} lines: at once when a batch is full, otherwise at least
 * every {@code flush-interval}. A batch the database refuses is tried again after a flush interval, up to
 * three times in all, while new lines wait in the queue (or are dropped when it fills); then its lines are
 * counted as {@linkplain LogDatabaseStats#failed() failed} and the writer goes on.
 *
 * <p>The database has its own connection, never the application's DataSource, with WAL, {@code
 * synchronous=NORMAL}, incremental auto-vacuum and a 5 s busy timeout. Table {@code logs} holds {@code id},
 * {@code timestamp} (epoch milliseconds), {@code level}, {@code level_value} (SLF4J's
 * {@link Level#toInt()}: ERROR 40 down to TRACE 0), {@code logger}, {@code thread}, {@code message},
 * {@code stack_trace} and {@code data} (MDC and key-value pairs as JSON, see {@link LogEntry}). Queries from
 * other threads share the connection with the writer under a lock; they see lines once written.
 *
 * <p>Lines older than {@code retention} are deleted at start and then daily on the writer thread, 500 rows
 * per transaction, and the freed pages given back with {@code PRAGMA incremental_vacuum}.
 *
 * <p>Stopping detaches the appender, then writes every pending line before returning; the connection stays
 * open for queries until {@link #close()}. The {@linkplain #PHASE phase} is low so that the log database
 * starts before and stops after the other lifecycle beans, keeping their shutdown lines. Lines logged after
 * it stopped (by beans being destroyed, for instance) reach the other appenders only.
 */
public class LogDatabase implements SmartLifecycle, AutoCloseable {

    /**
     * Lifecycle phase: below every other phase in common use (web servers, schedulers, message listeners,
     * beans with the default phase 0, the rest of sqlite-hybrid), so the log database stops last.
     */
    public static final int PHASE = Integer.MIN_VALUE + 8192;

    /** Name of the writer thread. */
    public static final String WRITER_THREAD_NAME = "sqlite-hybrid-log-writer";

    private static final Log logger = LogFactory.getLog(LogDatabase.class);

    private static final int MAX_WRITE_ATTEMPTS = 3;

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String loggerName;

    private final Level minLevel;

    private final int maxBatchSize;

    private final long flushIntervalNanos;

    private final LogFile file;

    private final LogStatements statements;

    private final ArrayBlockingQueue<LogLine> queue;

    private final LongAdder accepted = new LongAdder();

    private final LongAdder dropped = new LongAdder();

    private final AtomicLong written = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    private final AtomicLong flushTarget = new AtomicLong();

    private volatile long lastWriteMillis;

    private final LastError lastError;

    private final LogRetention retention;

    private final LogQueries queries;

    private final Object progress = new Object();

    private final Object lifecycleMonitor = new Object();

    private volatile @Nullable Thread writerThread;

    private volatile boolean stopRequested;

    private @Nullable BatchWriter writer;

    private @Nullable Runnable detach;

    private boolean running;

    private boolean closed;

    /**
     * Open (creating it if needed) the log database, attaching to the root logger when started.
     * @param properties the settings
     * @throws InvalidSqliteHybridPropertyException when the file cannot be created, opened or written
     */
    public LogDatabase(LogDatabaseProperties properties) {
        this(properties, org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * Open (creating it if needed) the log database, attaching to the given logger when started: only lines
     * logged through that logger and its descendants reach the log database.
     * @param properties the settings
     * @param loggerName name of the Logback logger the appender joins, such as {@code com.example}
     * @throws InvalidSqliteHybridPropertyException when the file cannot be created, opened or written
     */
    public LogDatabase(LogDatabaseProperties properties, String loggerName) {
        this.loggerName = loggerName;
        this.minLevel = properties.getMinLevel();
        this.maxBatchSize = properties.getMaxBatchSize();
        this.flushIntervalNanos = properties.getFlushInterval().toNanos();
        this.queue = new ArrayBlockingQueue<>(properties.getQueueCapacity());
        LogFile file = LogFile.open(properties.getPath());
        this.file = file;
        this.statements = file.prepareForWriting((connection) -> new LogStatements(file, connection));
        this.lastError = new LastError(file.path());
        this.retention =
                new LogRetention(this.statements, file.incrementalVacuum(), properties.getRetention(), this.lastError);
        this.queries = new LogQueries(file);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Start the writer and attach the appender. Does nothing, apart from a warning, when SLF4J is not bound
     * to Logback.
     */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            if (this.closed) {
                throw new IllegalStateException("The log database is closed");
            }
            ILoggerFactory factory = LoggerFactory.getILoggerFactory();
            if (!(factory instanceof LoggerContext context)) {
                logger.warn("The log database stays off: SLF4J is bound to "
                        + factory.getClass().getName() + ", not to Logback");
                return;
            }
            this.stopRequested = false;
            BatchWriter writer = new BatchWriter();
            Thread thread = new Thread(writer::run, WRITER_THREAD_NAME);
            thread.setDaemon(true);
            this.writer = writer;
            this.writerThread = thread;
            thread.start();
            this.detach = attachAppender(context);
            this.running = true;
        }
    }

    /** Attach an appender to the logger; returns how to detach it. */
    private Runnable attachAppender(LoggerContext context) {
        LogDatabaseAppender appender = new LogDatabaseAppender(this, this.minLevel);
        appender.setContext(context);
        appender.start();
        ch.qos.logback.classic.Logger target = context.getLogger(this.loggerName);
        target.addAppender(appender);
        return () -> {
            target.detachAppender(appender);
            appender.stop();
        };
    }

    /**
     * Detach the appender, then write every pending line (waiting up to 30 s) before returning. Lines logged
     * afterwards reach the other appenders only.
     */
    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            if (!this.running) {
                return;
            }
            this.running = false;
            Runnable detach = this.detach;
            if (detach != null) {
                detach.run();
            }
            this.detach = null;
            Thread thread = this.writerThread;
            BatchWriter writer = this.writer;
            this.stopRequested = true;
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(STOP_TIMEOUT.toMillis());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                if (thread.isAlive()) {
                    this.lastError.record("the writer did not finish within " + STOP_TIMEOUT.toSeconds() + "s", null);
                } else if (writer != null && !this.queue.isEmpty()) {
                    // A line offered while the appender was being detached: the writer is gone, write it here.
                    writer.drainOnStop();
                }
            }
            this.writerThread = null;
            this.writer = null;
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.lifecycleMonitor) {
            return this.running;
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Stop if running, then close the connection. Queries fail afterwards. */
    @Override
    public void close() {
        stop();
        synchronized (this.lifecycleMonitor) {
            if (this.closed) {
                return;
            }
            this.closed = true;
        }
        this.file.close();
    }

    // ---------------------------------------------------------------- appender side

    /** Called on the logging thread: never blocks. */
    void offer(LogLine line) {
        if (this.queue.offer(line)) {
            this.accepted.increment();
        } else {
            this.dropped.increment();
        }
    }

    boolean isWriterThread() {
        return Thread.currentThread() == this.writerThread;
    }

    // ---------------------------------------------------------------- operators' API

    /**
     * Write every line accepted so far and wait until it is written or given up.
     * @param timeout how long to wait at most
     * @return whether every line accepted before the call was written or given up in time
     */
    public boolean flush(Duration timeout) {
        long target = this.accepted.sum();
        this.flushTarget.accumulateAndGet(target, Math::max);
        Thread thread = this.writerThread;
        if (thread != null) {
            thread.interrupt();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.progress) {
            while (settled() < target) {
                long remaining = deadline - System.nanoTime();
                Thread current = this.writerThread;
                if (remaining <= 0 || current == null || !current.isAlive()) {
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

    /**
     * The most recent lines at or above a level, newest first. Lines still queued are not included.
     * @param limit how many lines at most, 1 or more
     * @param minLevel the lowest level included
     * @return the lines, newest first
     */
    public List<LogEntry> recent(int limit, Level minLevel) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more");
        }
        return this.queries.recent(limit, minLevel);
    }

    /**
     * How many lines the database holds at each level.
     * @return counts by level, every level present, from ERROR down to TRACE
     */
    public Map<Level, Long> countsByLevel() {
        return this.queries.countsByLevel();
    }

    /**
     * What the log database has done so far.
     * @return the figures
     */
    public LogDatabaseStats stats() {
        long last = this.lastWriteMillis;
        Path path = this.file.path();
        return new LogDatabaseStats(
                (path != null) ? path.toString() : null,
                this.written.get(),
                pending(),
                this.dropped.sum(),
                this.failed.get(),
                (last != 0) ? Instant.ofEpochMilli(last) : null,
                this.file.sizeBytes(),
                this.file.walSizeBytes(),
                this.lastError.message());
    }

    /**
     * Delete lines older than {@code retention} now, as the writer does at start and then daily.
     * @return how many lines were deleted; 0 when retention is 0 (keep every line)
     */
    public long applyRetention() {
        return this.retention.apply();
    }

    /**
     * Delete lines logged longer ago than the given age, {@value LogStatements#PURGE_CHUNK_ROWS} per
     * transaction so that the writer is never held up for long, then give the freed space back to the file
     * system.
     * @param age how old a line must be to be deleted
     * @return how many lines were deleted
     */
    public long purgeOlderThan(Duration age) {
        return this.retention.purgeOlderThan(age);
    }

    long writtenCount() {
        return this.written.get();
    }

    long droppedCount() {
        return this.dropped.sum();
    }

    long failedCount() {
        return this.failed.get();
    }

    long pending() {
        return Math.max(0, this.accepted.sum() - settled());
    }

    private long settled() {
        return this.written.get() + this.failed.get();
    }

    private void signalProgress() {
        synchronized (this.progress) {
            this.progress.notifyAll();
        }
    }

    /**
     * The writer thread's loop. Its state belongs to that thread, and to the thread that stops it once it
     * has ended.
     */
    private final class BatchWriter {

        private final List<LogLine> batch = new ArrayList<>();

        private int attempts;

        private boolean retrying;

        private long retryAt;

        void run() {
            long now = System.nanoTime();
            long nextFlush = now + LogDatabase.this.flushIntervalNanos;
            long nextRetention = now;
            while (!LogDatabase.this.stopRequested) {
                try {
                    fill();
                    now = System.nanoTime();
                    boolean due = now - nextFlush >= 0;
                    if (due) {
                        nextFlush = now + LogDatabase.this.flushIntervalNanos;
                    }
                    if (shouldWrite(now, due)) {
                        write(false);
                    } else if (now - nextRetention >= 0) {
                        nextRetention = LogDatabase.this.retention.runScheduled(now, this::betweenChunks);
                    } else {
                        await(now, nextFlush);
                    }
                } catch (InterruptedException ex) {
                    // Woken by flush() or stop(): look at the flags again.
                } catch (Throwable ex) {
                    LogDatabase.this.lastError.record("log writer", ex);
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
            return this.batch.size() >= LogDatabase.this.maxBatchSize
                    || due
                    || LogDatabase.this.flushTarget.get() > settled();
        }

        private void fill() {
            int room = LogDatabase.this.maxBatchSize - this.batch.size();
            if (room > 0) {
                LogDatabase.this.queue.drainTo(this.batch, room);
            }
        }

        private void await(long now, long nextFlush) throws InterruptedException {
            long until = (this.retrying && this.retryAt - nextFlush < 0) ? this.retryAt : nextFlush;
            long wait = until - now;
            if (wait <= 0) {
                return;
            }
            if (this.retrying || this.batch.size() >= LogDatabase.this.maxBatchSize) {
                TimeUnit.NANOSECONDS.sleep(wait);
                return;
            }
            LogLine line = LogDatabase.this.queue.poll(wait, TimeUnit.NANOSECONDS);
            if (line != null) {
                this.batch.add(line);
            }
        }

        /** Write the batch; returns whether it was written. */
        private boolean write(boolean stopping) {
            int size = this.batch.size();
            try {
                LogDatabase.this.written.addAndGet(LogDatabase.this.statements.insert(this.batch));
                LogDatabase.this.lastWriteMillis = System.currentTimeMillis();
                LogDatabase.this.lastError.recovered();
                this.batch.clear();
                this.attempts = 0;
                this.retrying = false;
                return true;
            } catch (Throwable ex) {
                this.attempts++;
                if (stopping || this.attempts >= MAX_WRITE_ATTEMPTS) {
                    LogDatabase.this.lastError.record(
                            "gave up " + size + " log lines after " + this.attempts + " attempts", ex);
                    giveUp(this.batch);
                    this.attempts = 0;
                    this.retrying = false;
                } else {
                    LogDatabase.this.lastError.record("could not write " + size + " log lines, will try again", ex);
                    this.retrying = true;
                    this.retryAt = System.nanoTime() + LogDatabase.this.flushIntervalNanos;
                }
                return false;
            } finally {
                signalProgress();
            }
        }

        private void giveUp(List<LogLine> lines) {
            LogDatabase.this.failed.addAndGet(lines.size());
            lines.clear();
        }

        /** Keep lines flowing while old ones are deleted; stop deleting when asked to stop. */
        private boolean betweenChunks() {
            if (LogDatabase.this.stopRequested) {
                return false;
            }
            fill();
            if (!this.retrying && this.batch.size() >= LogDatabase.this.maxBatchSize) {
                write(false);
            }
            return true;
        }

        /** Write what is held and queued, one attempt per batch; after a failure, give the rest up. */
        void drainOnStop() {
            while (true) {
                fill();
                if (this.batch.isEmpty()) {
                    return;
                }
                if (!write(true)) {
                    List<LogLine> rest = new ArrayList<>();
                    LogDatabase.this.queue.drainTo(rest);
                    giveUp(rest);
                    signalProgress();
                    return;
                }
            }
        }

        private void pause() {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(LogDatabase.this.flushIntervalNanos, 1_000_000_000L));
            } catch (InterruptedException ex) {
                // Woken to stop or flush.
            }
        }
    }
}
