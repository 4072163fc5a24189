package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrites.Call;
import io.github.sqlitehybrid.buffer.PendingWrites.Kind;
import io.github.sqlitehybrid.buffer.WriteBufferStats.DeadLetter;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Takes background writes off SQLite's write lock (or off PostgreSQL's round trips): a call returns at once, calls
 * on one row collapse into one row write, and a flusher writes the pending rows in a few short batch
 * transactions.
 *
 * <pre>{@code
 * writeBuffer.upsert("download_progress", Map.of("job_id", jobId, "percent", percent), "job_id");
 * }</pre>
 *
 * <p><strong>Readers do not see a buffered row until it is flushed.</strong> Code that must read its own writes
 * calls {@link #flush()} first, or looks at the pending state with {@link #buffered}.
 *
 * <ul>
 *   <li><strong>Same result as the calls in order.</strong> Whatever the mix of {@link #upsert}, {@link #update}
 *       and {@link #delete} calls on one row (one table, one key), the flushed row is what applying them in call
 *       order gives; coalescing never changes it. Keys are compared by value, as the database compares them in
 *       the key's columns. {@link #insert} rows are never coalesced. Calls of another kind on the same table (an
 *       insert, a key of other columns) end a run of coalescing, so a row's writes never pass them.
 *   <li><strong>Checked before buffered.</strong> The table must exist, every column must exist and the key
 *       columns must be the table's PRIMARY KEY or the columns of a UNIQUE index, checked against the live schema
 *       (cached per table, read again on a miss). Otherwise the call throws {@link IllegalArgumentException}
 *       naming what is wrong, and nothing is buffered. Names reach SQL only as the schema spells them, quoted;
 *       values only as bound parameters.
 *   <li><strong>SQLite or PostgreSQL.</strong> The connection's database decides, not the classpath. On
 *       SQLite the schema is read from PRAGMAs, a batch begins with {@code BEGIN IMMEDIATE}, and values are bound
 *       as given (SQLite applies each column's affinity). On PostgreSQL the schema is read from JDBC metadata in
 *       the connection's current schema: a table or column is found by its name as the catalog spells it, else
 *       as PostgreSQL folds an unquoted name (to lower case). A batch is a JDBC transaction with a savepoint per
 *       row when a refused row must be set aside. PostgreSQL types strictly, so each value is converted at the
 *       call to what its column takes, only without loss and never through text: whole numbers (and a
 *       {@code Boolean}, as 1 or 0) into integer columns, range checked; any number into floating and numeric
 *       columns; a {@code String} (or {@code Character}) into text columns, length checked against
 *       {@code varchar(n)}; {@code Instant}, {@code OffsetDateTime}, {@code ZonedDateTime} or {@code Timestamp}
 *       into {@code timestamptz}, {@code LocalDateTime} or {@code Timestamp} into {@code timestamp},
 *       {@code LocalDate} into {@code date}, {@code LocalTime} into {@code time}, {@code byte[]} into
 *       {@code bytea}, a {@code Boolean} into {@code boolean}. Anything else (a {@code String} for an integer
 *       column, an {@code Instant} for a {@code timestamp}) throws {@link IllegalArgumentException} naming the
 *       table and the column. Other types ({@code uuid}, {@code json}, arrays) take the value as given, to the
 *       driver's {@code setObject}. {@link #buffered} shows values as they will be bound.
 *   <li><strong>Flushing.</strong> On one daemon thread every {@code flush-interval}, and early when
 *       {@code flush-batch-size} rows are pending. Each batch of up to {@code flush-batch-size} rows is one
 *       transaction ({@code INSERT ... ON CONFLICT (key) DO UPDATE}, never {@code INSERT OR REPLACE}), retried
 *       whole on lock errors by {@link DbRetryTemplate} as operation {@value #RETRY_OPERATION}. Tables flush in
 *       {@code table-priorities} order, rows of one priority in arrival order. A batch that fails as a whole
 *       stays pending for the next flush.
 *   <li><strong>Refused rows.</strong> A row the database refuses (a constraint, a type) is set aside so the
 *       rest of its batch commits: it is logged with its table and key and kept in the dead letters of
 *       {@link #stats()}.
 *   <li><strong>Full buffer.</strong> At {@code max-pending} rows, a call that needs a new row waits up to
 *       {@code offer-timeout} for a flush to make room ({@code overflow=block}) or fails at once
 *       ({@code reject}) with {@link WriteBufferFullException}. An accepted row is never dropped.
 *   <li><strong>Shutdown.</strong> As a {@link SmartLifecycle} in phase {@link #PHASE}, it stops after the web
 *       server and the application's executors, writes what is pending, and refuses later calls; the
 *       DataSource closes after every lifecycle has stopped.
 * </ul>
 *
 * <p>Do not call it from inside a transaction that has written: the flush needs the write lock that
 * transaction holds. Outside a Spring context, call {@link #start()} to flush in the background and
 * {@link #stop()} to flush what is left.
 *
 * @since 0.1.0
 */
public final class WriteBuffer implements SmartLifecycle {

    /**
     * The lifecycle phase: stopped after Boot's web server (whose phases are {@code DEFAULT_PHASE - 1024} and
     * {@code - 2048}) and the application's executors ({@code DEFAULT_PHASE}), so their last writes are flushed.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** Operation name of flush transactions in {@link DbRetryTemplate} statistics and metrics. */
    public static final String RETRY_OPERATION = "WriteBuffer.flush";

    /** Name of the flushing thread. */
    public static final String THREAD_NAME = "sqlite-hybrid-write-buffer";

    private static final Log logger = LogFactory.getLog(WriteBuffer.class);

    private final DbRetryTemplate retryTemplate;

    private final SchemaCache schemas;

    private final CallValidator validator;

    private final BatchWriter writer;

    private final PendingWrites pending;

    private final OverflowPolicy overflow;

    private final Duration offerTimeout;

    private final Duration flushInterval;

    private final Duration shutdownTimeout;

    private final int flushBatchSize;

    private final int flushThreshold;

    private final ReentrantLock flushLock = new ReentrantLock();

    private final AtomicBoolean flushRequested = new AtomicBoolean();

    private final Object lifecycleMonitor = new Object();

    private volatile @Nullable ScheduledExecutorService scheduler;

    private volatile boolean running;

    private volatile boolean scheduledFlushFailing;

    /**
     * Create a write buffer. It accepts calls at once; it flushes in the background once {@link #start() started}.
     * @param dataSource the application's DataSource, SQLite or PostgreSQL
     * @param properties the settings, read once here
     * @param retryTemplate retries flush transactions on lock errors
     * @throws io.github.sqlitehybrid.InvalidSqliteHybridPropertyException if a {@code table-priorities} entry is
     *     not acceptable
     */
    public WriteBuffer(DataSource dataSource, WriteBufferProperties properties, DbRetryTemplate retryTemplate) {
        WriteBufferProperties.checkTablePriorities(properties.getTablePriorities());
        this.retryTemplate = retryTemplate;
        this.schemas = new SchemaCache(dataSource);
        this.validator = new CallValidator(this.schemas, properties.getTablePriorities());
        this.writer = new BatchWriter(dataSource, retryTemplate.getClassifier());
        this.pending = new PendingWrites(properties.getMaxPending(), properties.getDeadLetterCapacity());
        this.overflow = properties.getOverflow();
        this.offerTimeout = properties.getOfferTimeout();
        this.flushInterval = properties.getFlushInterval();
        this.shutdownTimeout = properties.getShutdownTimeout();
        this.flushBatchSize = properties.getFlushBatchSize();
        this.flushThreshold = Math.min(properties.getFlushBatchSize(), properties.getMaxPending());
    }

    /**
     * Insert the row, or update it if a row with its key exists. Two upserts of one row before a flush merge into
     * one write, later values winning column by column.
     * @param table the table
     * @param row column values, the key columns' included; a column not named keeps its value in an existing row
     * @param keyColumns the columns that identify the row: the PRIMARY KEY or a UNIQUE index's columns
     * @throws IllegalArgumentException if the table, a column or the key is not in the schema, or a key value is
     *     missing or null; nothing is buffered
     * @throws WriteBufferFullException if the buffer is full; nothing accepted earlier is lost
     */
    public void upsert(String table, Map<String, ?> row, String... keyColumns) {
        offer(Kind.UPSERT, table, row, keyColumns);
    }

    /**
     * Append a row: never coalesced, written in arrival order. For events and logs.
     * @param table the table
     * @param row column values; an empty map inserts a row of default values
     * @throws IllegalArgumentException if the table or a column is not in the schema; nothing is buffered
     * @throws WriteBufferFullException if the buffer is full; nothing accepted earlier is lost
     */
    public void insert(String table, Map<String, ?> row) {
        offer(Kind.INSERT, table, row, new String[0]);
    }

    /**
     * Change the given columns of the row with the given key, if it exists when the buffer applies the call; an
     * absent row stays absent.
     * @param table the table
     * @param row the key columns' values and the values to set
     * @param keyColumns the columns that identify the row: the PRIMARY KEY or a UNIQUE index's columns
     * @throws IllegalArgumentException if the table, a column or the key is not in the schema, or a key value is
     *     missing or null; nothing is buffered
     * @throws WriteBufferFullException if the buffer is full; nothing accepted earlier is lost
     */
    public void update(String table, Map<String, ?> row, String... keyColumns) {
        offer(Kind.UPDATE, table, row, keyColumns);
    }

    /**
     * Delete the row with the given key. Pending writes of that row before it are cancelled in effect; an upsert
     * after it creates the row anew, without any column of the earlier writes.
     * @param table the table
     * @param key the key columns' values, and nothing else
     * @param keyColumns the columns that identify the row: the PRIMARY KEY or a UNIQUE index's columns
     * @throws IllegalArgumentException if the table, a column or the key is not in the schema, a key value is
     *     missing or null, or the map holds other columns; nothing is buffered
     * @throws WriteBufferFullException if the buffer is full; nothing accepted earlier is lost
     */
    public void delete(String table, Map<String, ?> key, String... keyColumns) {
        offer(Kind.DELETE, table, key, keyColumns);
    }

    /**
     * What the pending writes of one row will make of it, for code that reads its own writes without forcing a
     * flush.
     *
     * <ul>
     *   <li>Empty: nothing is pending for this row; the database has the whole story.
     *   <li>An empty map: a delete is pending and no later upsert creates the row again; after the flush the row
     *       is absent.
     *   <li>Otherwise the key columns and every column the pending writes give the row, later calls winning.
     *       Columns not in the map keep their stored values, or take their defaults if the flush creates the row
     *       (also after a pending delete). For pending updates only, the values apply only if the row exists.
     * </ul>
     *
     * @param table the table
     * @param key the key columns' values; other columns of the table may be in the map and are ignored
     * @param keyColumns the columns that identify the row
     * @return the pending state of the row, if any
     * @throws IllegalArgumentException if the table, a column or the key is not in the schema
     */
    public Optional<Map<String, @Nullable Object>> buffered(String table, Map<String, ?> key, String... keyColumns) {
        Call call = this.validator.validate(Kind.UPDATE, table, key, keyColumns);
        Object view = this.pending.view(call.requireIdentity());
        if (view == null) {
            return Optional.empty();
        }
        if (view == PendingWrite.ABSENT) {
            return Optional.of(Map.of());
        }
        @SuppressWarnings("unchecked")
        Map<String, @Nullable Object> columns = (Map<String, @Nullable Object>) view;
        return Optional.of(Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
    }

    /**
     * Write every row pending now, in batches of {@code flush-batch-size} rows, one transaction each. Rows
     * buffered while it runs wait for the next flush. One flush runs at a time: a call waits for a running
     * flush, then flushes.
     * @return the number of rows written; refused rows, which go to the dead letters, are not counted
     * @throws WriteBufferFlushException if a batch could not be written; its rows and every later one stay
     *     pending, the batches before it are committed
     */
    public int flush() {
        this.flushLock.lock();
        try {
            return flushPending();
        } finally {
            this.flushLock.unlock();
        }
    }

    private int flushPending() {
        long upTo = this.pending.lastSequence();
        long start = System.nanoTime();
        int written = 0;
        boolean wroteAny = false;
        try {
            while (true) {
                List<PendingWrite> batch = this.pending.take(this.flushBatchSize, upTo);
                if (batch.isEmpty()) {
                    return written;
                }
                wroteAny = true;
                Map<PendingWrite, SQLException> refused = writeOrRestore(batch, written);
                Map<PendingWrite, DeadLetter> deadLetters = deadLetters(refused);
                written += this.pending.complete(batch, deadLetters);
                deadLetters.values().forEach(WriteBuffer::logDeadLetter);
            }
        } finally {
            if (wroteAny) {
                this.pending.recordFlush(Instant.now(), System.nanoTime() - start);
            }
        }
    }

    /** Write one batch, retried on lock errors; when it fails, put it back as pending and fail the flush. */
    private Map<PendingWrite, SQLException> writeOrRestore(List<PendingWrite> batch, int written) {
        try {
            return this.retryTemplate.execute(RETRY_OPERATION, () -> writeBatch(batch));
        } catch (RuntimeException ex) {
            Throwable cause = (ex instanceof BatchFailedException && ex.getCause() != null) ? ex.getCause() : ex;
            this.pending.restore(batch, String.valueOf(cause.getMessage()));
            throw new WriteBufferFlushException(written, this.pending.size(), cause);
        } catch (Error ex) {
            this.pending.restore(batch, String.valueOf(ex.getMessage()));
            throw ex;
        }
    }

    private Map<PendingWrite, SQLException> writeBatch(List<PendingWrite> batch) {
        try {
            return this.writer.write(batch);
        } catch (SQLException ex) {
            throw new BatchFailedException(ex);
        }
    }

    private static Map<PendingWrite, DeadLetter> deadLetters(Map<PendingWrite, SQLException> refused) {
        if (refused.isEmpty()) {
            return Map.of();
        }
        Instant now = Instant.now();
        Map<PendingWrite, DeadLetter> deadLetters = new LinkedHashMap<>();
        refused.forEach((write, error) -> deadLetters.put(
                write,
                new DeadLetter(
                        now,
                        write.table.name(),
                        write.operation(),
                        write.key(),
                        Collections.unmodifiableMap(write.values()),
                        String.valueOf(error.getMessage()))));
        return deadLetters;
    }

    private static void logDeadLetter(DeadLetter deadLetter) {
        logger.warn("Write buffer: the database refused a pending " + deadLetter.operation() + " on table '"
                + deadLetter.table() + "'" + (deadLetter.key().isEmpty() ? "" : " with key " + deadLetter.key())
                + ": " + deadLetter.error() + ". The rest of its batch was written; this row is kept in the dead"
                + " letters (WriteBuffer.stats(), /actuator/dblocks).");
    }

    /**
     * Figures: pending rows, totals, the last flush and the dead letters.
     * @return a snapshot
     */
    public WriteBufferStats stats() {
        return this.pending.stats();
    }

    private void offer(Kind kind, String table, Map<String, ?> row, String[] keyColumns) {
        Call call = this.validator.validate(kind, table, row, keyColumns);
        int pendingNow = this.pending.offer(call, this.overflow, this.offerTimeout, this::requestFlush);
        if (pendingNow >= this.flushThreshold) {
            requestFlush();
        }
    }

    private void requestFlush() {
        ScheduledExecutorService executor = this.scheduler;
        if (executor == null || this.scheduledFlushFailing) {
            // Not started, or the database is failing: the next scheduled flush tries again, no sooner.
            return;
        }
        if (this.flushRequested.compareAndSet(false, true)) {
            try {
                executor.execute(this::scheduledFlush);
            } catch (RejectedExecutionException ex) {
                this.flushRequested.set(false);
            }
        }
    }

    private void scheduledFlush() {
        this.flushRequested.set(false);
        try {
            flush();
            this.scheduledFlushFailing = false;
            if (this.pending.size() >= this.flushThreshold) {
                requestFlush();
            }
        } catch (WriteBufferFlushException ex) {
            // Caught, never thrown: a task that throws under a scheduled executor never runs again.
            this.scheduledFlushFailing = true;
            logger.warn(ex.getMessage());
            logger.debug("Write buffer flush failure", ex);
        } catch (Throwable ex) {
            this.scheduledFlushFailing = true;
            logger.error("Write buffer flush failed; pending rows are kept for the next flush", ex);
        }
    }

    /** Start flushing in the background, every {@code flush-interval} and when {@code flush-batch-size} rows are pending. */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            if (this.running) {
                return;
            }
            warnIfUnsupported();
            this.pending.open();
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
                Thread thread = new Thread(task, THREAD_NAME);
                thread.setDaemon(true);
                return thread;
            });
            long interval = this.flushInterval.toNanos();
            executor.scheduleWithFixedDelay(this::scheduledFlush, interval, interval, TimeUnit.NANOSECONDS);
            this.scheduler = executor;
            this.running = true;
        }
    }

    private void warnIfUnsupported() {
        try {
            this.schemas.dialect();
        } catch (IllegalStateException ex) {
            logger.warn(ex.getMessage() + ". Every write to the buffer will fail.");
        } catch (SQLException ex) {
            logger.debug("Could not check the DataSource's product; checked again on the first write", ex);
        }
    }

    /**
     * Stop: refuse further calls, stop the background flushes and write what is pending, trying for up to
     * {@code shutdown-timeout}. Rows that still cannot be written are logged as lost.
     */
    @Override
    public void stop() {
        synchronized (this.lifecycleMonitor) {
            this.pending.close();
            ScheduledExecutorService executor = this.scheduler;
            this.scheduler = null;
            if (executor != null) {
                executor.shutdown();
                try {
                    executor.awaitTermination(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            drain();
            this.running = false;
        }
    }

    private void drain() {
        long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
        while (true) {
            try {
                int written = flush();
                if (written > 0) {
                    logger.debug("Write buffer flushed " + written + " rows on shutdown");
                }
                if (this.pending.size() == 0) {
                    return;
                }
            } catch (RuntimeException ex) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    WriteBufferStats stats = stats();
                    logger.error(
                            "Write buffer could not flush " + stats.pending() + " pending rows before shutdown"
                                    + " (sqlite.hybrid.write-buffer.shutdown-timeout=" + this.shutdownTimeout.toMillis()
                                    + "ms); they are lost: " + stats.pendingByTable(),
                            ex);
                    return;
                }
                try {
                    Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Whether the buffer flushes in the background.
     * @return {@code true} between {@link #start()} and {@link #stop()}
     */
    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * The lifecycle phase, {@link #PHASE}.
     * @return the phase
     */
    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Carries a batch's SQLException through {@link DbRetryTemplate}, whose classifier sees the cause. */
    private static final class BatchFailedException extends RuntimeException {

        BatchFailedException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
