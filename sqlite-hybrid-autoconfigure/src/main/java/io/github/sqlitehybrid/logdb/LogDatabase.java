package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 *
 * @since 0.1.0
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

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String loggerName;

    private final Level minLevel;

    private final int maxBatchSize;

    private final Duration flushInterval;

    private final LogFile file;

    private final LogStatements statements;

    private final LogQueue queue;

    private final LastError lastError;

    private final LogRetention retention;

    private final LogQueries queries;

    /** Serialises start, stop and close; guards the fields below, but for {@link #writer}, read without it. */
    private final Object lifecycleMonitor = new Object();

    /** The writer of the current start; flush() and the appender read it without the monitor. */
    private volatile @Nullable LogWriter writer;

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
        this.flushInterval = properties.getFlushInterval();
        this.queue = new LogQueue(properties.getQueueCapacity());
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
            LogWriter writer = new LogWriter(
                    this.queue, this.statements, this.retention, this.lastError, this.maxBatchSize, this.flushInterval);
            this.writer = writer;
            writer.start();
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
            LogWriter writer = this.writer;
            if (writer != null) {
                writer.stop(STOP_TIMEOUT);
            }
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
        this.queue.offer(line);
    }

    boolean isWriterThread() {
        LogWriter writer = this.writer;
        return writer != null && writer.isWriterThread();
    }

    // ---------------------------------------------------------------- operators' API

    /**
     * Write every line accepted so far and wait until it is written or given up.
     * @param timeout how long to wait at most
     * @return whether every line accepted before the call was written or given up in time
     */
    public boolean flush(Duration timeout) {
        long target = this.queue.requestFlush();
        LogWriter writer = this.writer;
        if (writer != null) {
            writer.wake();
        }
        return this.queue.awaitSettled(target, System.nanoTime() + timeout.toNanos(), () -> {
            LogWriter current = this.writer;
            return current != null && current.isAlive();
        });
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
        long last = this.queue.lastWriteMillis();
        Path path = this.file.path();
        return new LogDatabaseStats(
                (path != null) ? path.toString() : null,
                this.queue.written(),
                this.queue.pending(),
                this.queue.dropped(),
                this.queue.failed(),
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
}
