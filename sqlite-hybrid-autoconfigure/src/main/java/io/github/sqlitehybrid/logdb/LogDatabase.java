package io.github.sqlitehybrid.logdb;

import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.InvalidSqliteHybridPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.UncategorizedSQLException;
import org.sqlite.SQLiteConfig;

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

    static final String PATH_PROPERTY = "sqlite.hybrid.log-database.path";

    private static final Log logger = LogFactory.getLog(LogDatabase.class);

    private static final int BUSY_TIMEOUT_MILLIS = 5000;

    private static final int PURGE_CHUNK_ROWS = 500;

    private static final int VACUUM_CHUNK_PAGES = 1000;

    private static final int MAX_WRITE_ATTEMPTS = 3;

    private static final long RETENTION_PERIOD_NANOS = TimeUnit.DAYS.toNanos(1);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, level TEXT NOT NULL,"
                + " level_value INTEGER NOT NULL, logger TEXT NOT NULL, thread TEXT NOT NULL, message TEXT NOT NULL,"
                + " stack_trace TEXT, data TEXT)",
        "CREATE INDEX IF NOT EXISTS logs_timestamp ON logs (timestamp)",
        "CREATE INDEX IF NOT EXISTS logs_level ON logs (level_value)"
    };

    private static final String INSERT_SQL = "INSERT INTO logs (timestamp, level, level_value, logger, thread,"
            + " message, stack_trace, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String PURGE_CHUNK_SQL =
            "DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE timestamp < ? LIMIT " + PURGE_CHUNK_ROWS + ")";

    private static final String RECENT_SQL = "SELECT id, timestamp, level_value, logger, thread, message,"
            + " stack_trace, data FROM logs WHERE level_value >= ? ORDER BY timestamp DESC, id DESC LIMIT ?";

    private static final String COUNTS_SQL = "SELECT level_value, COUNT(*) FROM logs GROUP BY level_value";

    private final @Nullable Path file;

    private final String loggerName;

    private final Level minLevel;

    private final int maxBatchSize;

    private final long flushIntervalNanos;

    private final Duration retention;

    private final ArrayBlockingQueue<LogLine> queue;

    private final LongAdder accepted = new LongAdder();

    private final LongAdder dropped = new LongAdder();

    private final AtomicLong written = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    private final AtomicLong flushTarget = new AtomicLong();

    private volatile long lastWriteMillis;

    private volatile @Nullable String lastError;

    /** Whether the current run of errors has been reported on standard error already. */
    private volatile boolean errorReported;

    /** Guards the connection and its statements: the writer and queries from other threads share them. */
    private final ReentrantLock connectionLock = new ReentrantLock();

    private final Connection connection;

    private PreparedStatement begin;

    private PreparedStatement commit;

    private PreparedStatement rollback;

    private PreparedStatement insert;

    private PreparedStatement purgeChunk;

    private final boolean incrementalVacuum;

    private final Object progress = new Object();

    private final Object lifecycleMonitor = new Object();

    private volatile @Nullable Thread writerThread;

    private volatile boolean stopRequested;

    private @Nullable BatchWriter writer;

    private @Nullable Runnable detach;

    private boolean running;

    private volatile boolean closed;

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
        this.file = file(properties.getPath());
        this.loggerName = loggerName;
        this.minLevel = properties.getMinLevel();
        this.maxBatchSize = properties.getMaxBatchSize();
        this.flushIntervalNanos = properties.getFlushInterval().toNanos();
        this.retention = properties.getRetention();
        this.queue = new ArrayBlockingQueue<>(properties.getQueueCapacity());
        Connection opened = null;
        try {
            opened = open(this.file);
            this.connection = opened;
            this.incrementalVacuum = createSchema(opened);
            this.begin = opened.prepareStatement("BEGIN IMMEDIATE");
            this.commit = opened.prepareStatement("COMMIT");
            this.rollback = opened.prepareStatement("ROLLBACK");
            this.insert = opened.prepareStatement(INSERT_SQL);
            this.purgeChunk = opened.prepareStatement(PURGE_CHUNK_SQL);
            // A file that opened read-only accepts the schema when it already exists; a write lock tells.
            this.begin.execute();
            this.rollback.execute();
        } catch (SQLException ex) {
            closeQuietly(opened);
            throw unusable(properties.getPath(), "cannot open it for writing: " + ex.getMessage(), ex);
        }
    }

    private static @Nullable Path file(String path) {
        if (path.isEmpty()) {
            return null;
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (IOException | RuntimeException ex) {
                throw unusable(path, "cannot create its directory " + parent + " (" + ex + ")", ex);
            }
        }
        return file;
    }

    private static InvalidSqliteHybridPropertyException unusable(String path, String reason, Throwable cause) {
        String where = path.isEmpty() ? "in-memory database" : Path.of(path).toAbsolutePath() + "";
        InvalidSqliteHybridPropertyException failure = new InvalidSqliteHybridPropertyException(
                PATH_PROPERTY,
                path,
                "log database " + where + ": " + reason,
                List.of("a file in a writable directory", "empty for an in-memory database"));
        failure.initCause(cause);
        return failure;
    }

    private static Connection open(@Nullable Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection((file != null) ? "jdbc:sqlite:" + file : "jdbc:sqlite::memory:");
    }

    /** Create the table and indexes; returns whether incremental vacuum is in effect. */
    private static boolean createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // auto_vacuum only takes effect before the first table is created.
            statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = NORMAL");
            for (String sql : SCHEMA) {
                statement.execute(sql);
            }
            try (ResultSet result = statement.executeQuery("PRAGMA auto_vacuum")) {
                return result.next() && result.getInt(1) == 2;
            }
        }
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
            LogDatabaseAppender appender = new LogDatabaseAppender(this, this.minLevel);
            appender.setContext(context);
            appender.start();
            ch.qos.logback.classic.Logger target = context.getLogger(this.loggerName);
            target.addAppender(appender);
            this.detach = () -> {
                target.detachAppender(appender);
                appender.stop();
            };
            this.running = true;
        }
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
                    recordError("the writer did not finish within " + STOP_TIMEOUT.toSeconds() + "s", null);
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
        this.connectionLock.lock();
        try {
            closeQuietly(this.connection);
        } finally {
            this.connectionLock.unlock();
        }
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
        List<LogEntry> entries = new ArrayList<>(Math.min(limit, 1024));
        this.connectionLock.lock();
        try (PreparedStatement statement = openConnection().prepareStatement(RECENT_SQL)) {
            statement.setInt(1, minLevel.toInt());
            statement.setInt(2, limit);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    entries.add(new LogEntry(
                            result.getLong(1),
                            Instant.ofEpochMilli(result.getLong(2)),
                            level(result.getInt(3)),
                            result.getString(4),
                            result.getString(5),
                            result.getString(6),
                            result.getString(7),
                            result.getString(8)));
                }
            }
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Reading recent log lines", RECENT_SQL, ex);
        } finally {
            this.connectionLock.unlock();
        }
        return entries;
    }

    /**
     * How many lines the database holds at each level.
     * @return counts by level, every level present, from ERROR down to TRACE
     */
    public Map<Level, Long> countsByLevel() {
        Map<Level, Long> counts = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            counts.put(level, 0L);
        }
        this.connectionLock.lock();
        try (Statement statement = openConnection().createStatement();
                ResultSet result = statement.executeQuery(COUNTS_SQL)) {
            while (result.next()) {
                counts.merge(level(result.getInt(1)), result.getLong(2), Long::sum);
            }
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Counting log lines by level", COUNTS_SQL, ex);
        } finally {
            this.connectionLock.unlock();
        }
        return new LinkedHashMap<>(counts);
    }

    /**
     * What the log database has done so far.
     * @return the figures
     */
    public LogDatabaseStats stats() {
        long last = this.lastWriteMillis;
        return new LogDatabaseStats(
                (this.file != null) ? this.file.toString() : null,
                this.written.get(),
                pending(),
                this.dropped.sum(),
                this.failed.get(),
                (last != 0) ? Instant.ofEpochMilli(last) : null,
                sizeOf(this.file),
                (this.file != null) ? sizeOf(Path.of(this.file + "-wal")) : 0,
                this.lastError);
    }

    /**
     * Delete lines older than {@code retention} now, as the writer does at start and then daily.
     * @return how many lines were deleted; 0 when retention is 0 (keep every line)
     */
    public long applyRetention() {
        return (this.retention.isZero()) ? 0 : purgeOlderThan(this.retention);
    }

    /**
     * Delete lines logged longer ago than the given age, {@value #PURGE_CHUNK_ROWS} per transaction so that
     * the writer is never held up for long, then give the freed space back to the file system.
     * @param age how old a line must be to be deleted
     * @return how many lines were deleted
     */
    public long purgeOlderThan(Duration age) {
        try {
            return purge(System.currentTimeMillis() - age.toMillis(), () -> true);
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Deleting old log lines", PURGE_CHUNK_SQL, ex);
        }
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

    // ---------------------------------------------------------------- writing

    private long settled() {
        return this.written.get() + this.failed.get();
    }

    private void insertBatch(List<LogLine> lines) throws SQLException {
        this.connectionLock.lock();
        try {
            openConnection();
            this.begin.execute();
            try {
                for (LogLine line : lines) {
                    this.insert.setLong(1, line.timestamp());
                    this.insert.setString(2, line.level().name());
                    this.insert.setInt(3, line.level().toInt());
                    this.insert.setString(4, line.logger());
                    this.insert.setString(5, line.thread());
                    this.insert.setString(6, line.message());
                    setNullableString(this.insert, 7, line.stackTrace());
                    setNullableString(this.insert, 8, line.data());
                    this.insert.addBatch();
                }
                this.insert.executeBatch();
                this.commit.execute();
            } catch (SQLException | RuntimeException | Error ex) {
                this.insert.clearBatch();
                rollbackQuietly();
                throw ex;
            }
        } finally {
            this.connectionLock.unlock();
        }
    }

    private static void setNullableString(PreparedStatement statement, int index, @Nullable String value)
            throws SQLException {
        if (value != null) {
            statement.setString(index, value);
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private void rollbackQuietly() {
        renewStatements();
        try {
            this.rollback.execute();
        } catch (SQLException ex) {
            // No transaction was active.
        }
    }

    /**
     * Prepare the reused statements again. After most errors (a full disk, an I/O error, ROLLBACK with no
     * transaction) sqlite-jdbc finalizes the statement that failed, and every later use of it would fail with
     * "statement is not executing": without this, one full disk would stop the log database for good.
     */
    private void renewStatements() {
        try {
            PreparedStatement[] old = {this.begin, this.commit, this.rollback, this.insert, this.purgeChunk};
            this.begin = this.connection.prepareStatement("BEGIN IMMEDIATE");
            this.commit = this.connection.prepareStatement("COMMIT");
            this.rollback = this.connection.prepareStatement("ROLLBACK");
            this.insert = this.connection.prepareStatement(INSERT_SQL);
            this.purgeChunk = this.connection.prepareStatement(PURGE_CHUNK_SQL);
            for (PreparedStatement statement : old) {
                try {
                    statement.close();
                } catch (SQLException ex) {
                    // Finalized already.
                }
            }
        } catch (SQLException ex) {
            // The connection itself is gone: the next write reports it.
        }
    }

    private long purge(long cutoffMillis, BooleanSupplier betweenChunks) throws SQLException {
        long deleted = 0;
        while (true) {
            int chunk;
            this.connectionLock.lock();
            try {
                openConnection();
                this.purgeChunk.setLong(1, cutoffMillis);
                chunk = this.purgeChunk.executeUpdate();
            } catch (SQLException ex) {
                renewStatements();
                throw ex;
            } finally {
                this.connectionLock.unlock();
            }
            deleted += chunk;
            if (chunk < PURGE_CHUNK_ROWS || !betweenChunks.getAsBoolean()) {
                break;
            }
        }
        if (deleted > 0 && this.incrementalVacuum) {
            vacuum(betweenChunks);
        }
        return deleted;
    }

    /** Give free pages back, up to {@value #VACUUM_CHUNK_PAGES} per transaction. */
    private void vacuum(BooleanSupplier betweenChunks) throws SQLException {
        int before = Integer.MAX_VALUE;
        while (true) {
            this.connectionLock.lock();
            try {
                int free = freePages(openConnection());
                if (free == 0 || free >= before) {
                    return;
                }
                before = free;
                this.begin.execute();
                try {
                    for (int i = 0; i < Math.min(free, VACUUM_CHUNK_PAGES); i++) {
                        // sqlite-jdbc steps a statement once, and each step frees one page; a statement left
                        // mid-way would block the commit, so each step gets its own, closed at once.
                        try (Statement step = this.connection.createStatement()) {
                            step.execute("PRAGMA incremental_vacuum(1)");
                        }
                    }
                    this.commit.execute();
                } catch (SQLException | RuntimeException | Error ex) {
                    rollbackQuietly();
                    throw ex;
                }
            } finally {
                this.connectionLock.unlock();
            }
            if (!betweenChunks.getAsBoolean()) {
                return;
            }
        }
    }

    private static int freePages(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA freelist_count")) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    private Connection openConnection() {
        if (this.closed) {
            throw new IllegalStateException("The log database is closed");
        }
        return this.connection;
    }

    private void signalProgress() {
        synchronized (this.progress) {
            this.progress.notifyAll();
        }
    }

    private void recordError(String what, @Nullable Throwable ex) {
        String message = (ex != null) ? what + ": " + ex : what;
        this.lastError = message;
        if (!this.errorReported) {
            this.errorReported = true;
            // Not through SLF4J: the line would come back to this database, which may be what is failing.
            System.err.println("sqlite-hybrid log database " + this.file + ": " + message);
        }
    }

    private static Level level(int value) {
        for (Level level : Level.values()) {
            if (level.toInt() == value) {
                return level;
            }
        }
        return Level.TRACE;
    }

    private static long sizeOf(@Nullable Path file) {
        if (file == null) {
            return 0;
        }
        try {
            return Files.size(file);
        } catch (IOException ex) {
            return 0;
        }
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ex) {
                // Closing anyway.
            }
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
                        nextRetention = now + RETENTION_PERIOD_NANOS;
                        retain();
                    } else {
                        await(now, nextFlush);
                    }
                } catch (InterruptedException ex) {
                    // Woken by flush() or stop(): look at the flags again.
                } catch (Throwable ex) {
                    recordError("log writer", ex);
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
                insertBatch(this.batch);
                LogDatabase.this.written.addAndGet(size);
                LogDatabase.this.lastWriteMillis = System.currentTimeMillis();
                LogDatabase.this.errorReported = false;
                this.batch.clear();
                this.attempts = 0;
                this.retrying = false;
                return true;
            } catch (Throwable ex) {
                this.attempts++;
                if (stopping || this.attempts >= MAX_WRITE_ATTEMPTS) {
                    recordError("gave up " + size + " log lines after " + this.attempts + " attempts", ex);
                    giveUp(this.batch);
                    this.attempts = 0;
                    this.retrying = false;
                } else {
                    recordError("could not write " + size + " log lines, will try again", ex);
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

        private void retain() {
            if (LogDatabase.this.retention.isZero()) {
                return;
            }
            try {
                long cutoff = System.currentTimeMillis() - LogDatabase.this.retention.toMillis();
                purge(cutoff, this::betweenChunks);
            } catch (Throwable ex) {
                recordError("retention", ex);
            }
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
