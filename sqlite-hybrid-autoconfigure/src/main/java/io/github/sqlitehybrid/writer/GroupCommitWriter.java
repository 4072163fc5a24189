package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;
import org.sqlite.SQLiteConnection;

/**
 * Runs many small, independent writes from many threads through one SQLite connection, committing them in
 * groups: what one thread would otherwise pay per transaction (taking the write lock, appending to the WAL,
 * committing) is paid once per group.
 *
 * <pre>{@code
 * int rows = writer.execute((jdbc) -> jdbc.update("INSERT INTO events (type, body) VALUES (?, ?)", type, body));
 * CompletableFuture<Integer> later = writer.submit((jdbc) -> jdbc.update("UPDATE counters SET n = n + 1 WHERE id = ?", id));
 * }</pre>
 *
 * <h2>How it runs</h2>
 * <ul>
 *   <li>Callers hand {@linkplain WriteUnit units} to a bounded queue. One writer thread takes whatever is
 *       queued, up to {@code max-batch} units, and runs them in one transaction that begins with
 *       {@code BEGIN IMMEDIATE} (so it never fails on a lock upgrade), each unit inside its own
 *       {@code SAVEPOINT}.
 *   <li>A unit that throws is undone alone ({@code ROLLBACK TO} its savepoint, then {@code RELEASE}); its
 *       caller gets the exception the unit threw, unchanged. The other units of the group commit.
 *   <li>A caller's {@link #execute} returns, or its {@link #submit} future completes, only after the COMMIT
 *       that made its work durable. If the transaction cannot begin, breaks, or its COMMIT fails (a deferred
 *       foreign key, a lock held by another process past {@code busy_timeout}), it is rolled back and every
 *       unit of the group fails with that error, translated as {@link JdbcTemplate} would; none is reported
 *       done. The writer never runs a unit twice: resubmitting is the caller's choice.
 *   <li>Statements with the same SQL text are prepared once and reused across units, as are the
 *       {@code BEGIN IMMEDIATE}, {@code SAVEPOINT}, {@code RELEASE}, {@code ROLLBACK TO} and {@code COMMIT}
 *       statements ({@code statement-cache-size}).
 * </ul>
 *
 * <h2>Lock errors</h2>
 * The writer's transaction holds SQLite's write lock, so no unit can meet a lock error from this JVM's other
 * units. A unit that does fail with one ({@link LockErrorClassifier}) either worked on another connection,
 * which waits for the writer's own lock until {@code busy_timeout} (use only the template the unit is given),
 * or, outside WAL mode, waited for another process's readers. The unit is rolled back alone and its caller
 * gets the lock error, unchanged and not retried here: running it again inside the same transaction cannot
 * help. The caller may submit it again, for example through {@code DbRetryTemplate}. The first such error is
 * logged as a warning. A {@code BEGIN IMMEDIATE} or COMMIT that fails with a lock error (another process held
 * the lock past {@code busy_timeout}) fails the whole group with it, and is retryable the same way.
 *
 * <h2>Backpressure and shutdown</h2>
 * When {@code queue-capacity} units wait, callers wait up to {@code offer-timeout} for space and then get a
 * {@link GroupCommitQueueFullException}; nothing is dropped silently. As a {@link SmartLifecycle} in phase
 * {@link #PHASE}, the writer stops after the web server and the application's executors: from then on units
 * are refused with {@link GroupCommitStoppedException}, every unit already accepted is run and committed,
 * and the connection is closed.
 *
 * <h2>Its connection</h2>
 * The writer takes one connection from the DataSource on first use and keeps it until it stops, so it counts
 * against the pool's size (HikariCP's leak detection, if enabled, will report it as held). The connection
 * stays in auto-commit mode and the writer issues {@code BEGIN IMMEDIATE} and {@code COMMIT} itself, so
 * between groups it holds no lock and no open transaction. It must be a SQLite connection; anything else is
 * refused on first use with a message saying so.
 *
 * <h2>Threads</h2>
 * Units run on the writer's thread, so nothing bound to the caller's thread (a Spring transaction, a
 * security context) reaches them. Actions attached to a {@link #submit} future with {@code thenApply} and
 * the like may run on the writer's thread too: keep them quick, or use the {@code ...Async} variants.
 * {@link #execute} called from the writer's thread (inside a unit) would wait for itself, and is refused.
 *
 * @since 0.1.0
 */
public final class GroupCommitWriter implements SmartLifecycle, AutoCloseable {

    /**
     * The lifecycle phase: stopped after Boot's web server ({@code DEFAULT_PHASE - 1024} and {@code - 2048})
     * and the application's executors ({@code DEFAULT_PHASE}), so their last units are still accepted, and
     * before the write buffer ({@code DEFAULT_PHASE - 4096}) and the DataSource.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    private final DataSource dataSource;

    private final int maxBatch;

    private final int queueCapacity;

    private final Duration offerTimeout;

    private final int statementCacheSize;

    private final LockErrorClassifier lockErrorClassifier;

    private final GroupCommitTracker tracker;

    private final LinkedBlockingQueue<PendingUnit<?>> queue;

    private final Object lifecycleMonitor = new Object();

    private volatile boolean accepting = true;

    private boolean lifecycleRunning;

    private volatile @Nullable GroupCommitWorker worker;

    /**
     * Create a writer with the default settings of {@link GroupCommitProperties}.
     * @param dataSource the SQLite DataSource the writer takes its connection from
     */
    public GroupCommitWriter(DataSource dataSource) {
        this(dataSource, new GroupCommitProperties(), new SqliteLockErrorClassifier(), List.of());
    }

    /**
     * Create a writer.
     * @param dataSource the SQLite DataSource the writer takes its connection from
     * @param properties batch size, queue capacity, offer timeout and statement cache size
     * @param lockErrorClassifier recognises lock errors thrown by units
     * @param listeners told of each group, for metrics
     */
    public GroupCommitWriter(
            DataSource dataSource,
            GroupCommitProperties properties,
            LockErrorClassifier lockErrorClassifier,
            List<? extends GroupCommitListener> listeners) {
        Assert.notNull(dataSource, "'dataSource' must not be null");
        this.dataSource = dataSource;
        this.maxBatch = properties.getMaxBatch();
        this.queueCapacity = properties.getQueueCapacity();
        this.offerTimeout = properties.getOfferTimeout();
        this.statementCacheSize = properties.getStatementCacheSize();
        this.lockErrorClassifier = lockErrorClassifier;
        this.tracker = new GroupCommitTracker(listeners);
        this.queue = new LinkedBlockingQueue<>(this.queueCapacity);
    }

    /**
     * Run a unit in the next group and wait until the group has committed.
     * @param unit the work
     * @param <T> the result type
     * @return what the unit returned, once it is durable
     * @throws GroupCommitQueueFullException if the queue stayed full for the offer timeout
     * @throws GroupCommitStoppedException if the writer is stopped
     * @throws RuntimeException the exception the unit threw, unchanged; or, if the group's transaction failed
     *     as a whole, that failure translated to a {@link DataAccessException}
     * @throws IllegalStateException if called from the writer's thread or inside a write transaction of the
     *     calling thread, or interrupted while waiting for the commit (the unit stays accepted and may still commit)
     */
    public <T extends @Nullable Object> T execute(WriteUnit<T> unit) {
        if (isWriterThread()) {
            throw new IllegalStateException("GroupCommitWriter.execute was called on the writer's own thread, from a"
                    + " unit or from an action attached to a future; it would wait for itself. Do the work in the"
                    + " calling unit, or attach the action with an ...Async method.");
        }
        if (obtainWorker().isTurnHeldByCurrentThread()) {
            throw new IllegalStateException("GroupCommitWriter.execute was called inside a write transaction of its"
                    + " own thread, which holds the write turn: the group could only commit once that transaction"
                    + " ends, and the transaction waits for this call. Call submit instead and leave its future"
                    + " alone until the transaction has committed, or call execute after the commit.");
        }
        CompletableFuture<T> future = submit(unit);
        try {
            return future.get();
        } catch (ExecutionException ex) {
            throw unchecked((ex.getCause() != null) ? ex.getCause() : ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while waiting for a group commit; the unit was accepted and may still commit", ex);
        }
    }

    /**
     * Queue a unit for the next group.
     * <p>Cancelling the future before the unit starts keeps it from running; after that, cancelling has no
     * effect on the database.
     * @param unit the work
     * @param <T> the result type
     * @return a future completed with what the unit returned once the group has committed, or with the
     *     exception the unit threw, or with the group's failure
     * @throws GroupCommitQueueFullException if the queue stayed full for the offer timeout (on the writer's own
     *     thread, if it is full at all)
     * @throws GroupCommitStoppedException if the writer is stopped
     */
    public <T extends @Nullable Object> CompletableFuture<T> submit(WriteUnit<T> unit) {
        Assert.notNull(unit, "'unit' must not be null");
        GroupCommitWorker current = obtainWorker();
        PendingUnit<T> pending = new PendingUnit<>(unit, System.nanoTime());
        boolean offered;
        try {
            offered = isWriterThread()
                    ? this.queue.offer(pending)
                    : this.queue.offer(pending, this.offerTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.tracker.unitRejected();
            throw new RejectedExecutionException("Interrupted while waiting for space in the group commit queue", ex);
        }
        if (!offered) {
            this.tracker.unitRejected();
            throw new GroupCommitQueueFullException(this.queueCapacity, this.offerTimeout);
        }
        // Stopped meanwhile: if the draining writer has not taken the unit, it never will.
        if (current.isStopRequested() && this.queue.remove(pending)) {
            this.tracker.unitRejected();
            throw new GroupCommitStoppedException();
        }
        return pending.future();
    }

    /**
     * What this writer has done so far.
     * @return counts and timings
     */
    public GroupCommitStats stats() {
        return this.tracker.stats(this.queue.size(), this.queueCapacity, this.accepting);
    }

    /** Tell one more listener of each group, such as the timers of {@link GroupCommitMetrics}. */
    void addListener(GroupCommitListener listener) {
        this.tracker.addListener(listener);
    }

    /**
     * Accept units again after a {@link #stop}. A new writer thread and connection are set up on the next
     * unit.
     */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            GroupCommitWorker previous = this.worker;
            if (previous != null && previous.isStopRequested()) {
                previous.awaitTermination();
                this.worker = null;
            }
            this.accepting = true;
            this.lifecycleRunning = true;
        }
    }

    /**
     * Refuse new units, run and commit every accepted unit, close the connection, and return when done.
     */
    @Override
    public void stop() {
        CountDownLatch done = new CountDownLatch(1);
        stop(done::countDown);
        try {
            done.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Refuse new units at once; run and commit every accepted unit and close the connection on the writer's
     * thread, then run the callback.
     * @param callback run when the writer has finished
     */
    @Override
    public void stop(Runnable callback) {
        GroupCommitWorker current;
        synchronized (this.lifecycleMonitor) {
            this.accepting = false;
            this.lifecycleRunning = false;
            current = this.worker;
            if (current != null) {
                current.requestStop(callback);
                return;
            }
        }
        callback.run();
    }

    /**
     * Whether the writer was started and not stopped.
     * @return the lifecycle state
     */
    @Override
    public boolean isRunning() {
        synchronized (this.lifecycleMonitor) {
            return this.lifecycleRunning || (this.worker != null && !this.worker.isStopRequested());
        }
    }

    /**
     * The lifecycle phase, {@link #PHASE}.
     * @return the phase
     */
    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Stop as {@link #stop()} does; for use outside a Spring context and as the bean's destroy method.
     */
    @Override
    public void close() {
        stop();
    }

    private GroupCommitWorker obtainWorker() {
        GroupCommitWorker current = this.worker;
        if (current != null && !current.isStopRequested()) {
            return current;
        }
        synchronized (this.lifecycleMonitor) {
            if (!this.accepting) {
                this.tracker.unitRejected();
                throw new GroupCommitStoppedException();
            }
            current = this.worker;
            if (current == null || current.isStopRequested()) {
                current = openWorker();
                current.start();
                this.worker = current;
            }
            return current;
        }
    }

    /** Take a connection and set up a worker on it, on the caller's thread so that a failure reaches the caller. */
    private GroupCommitWorker openWorker() {
        Connection handle = openConnection();
        try {
            checkSqlite(handle);
            // Auto-commit on: the writer begins and commits itself, so no lock is held between groups.
            if (!handle.getAutoCommit()) {
                handle.setAutoCommit(true);
            }
            SqliteSingleWriterDataSource singleWriter = singleWriter();
            GroupCommitConnection connection =
                    new GroupCommitConnection(handle, handle.unwrap(SQLiteConnection.class), this.statementCacheSize);
            GroupTransaction transaction = new GroupTransaction(
                    connection,
                    (singleWriter != null) ? singleWriter.getWriteTurn() : null,
                    (singleWriter != null) ? singleWriter.getAcquireTimeout() : Duration.ZERO,
                    this.lockErrorClassifier,
                    this.tracker);
            return new GroupCommitWorker(this.queue, this.maxBatch, connection, transaction, this.tracker);
        } catch (SQLException ex) {
            GroupCommitConnection.closeQuietly(handle);
            throw new UncategorizedSQLException("Preparing the group commit writer's connection", null, ex);
        } catch (RuntimeException ex) {
            GroupCommitConnection.closeQuietly(handle);
            throw ex;
        }
    }

    private Connection openConnection() {
        try {
            // With the single writer, a connection of its write pool: the writer takes the write turn around each
            // group itself, and keeps the connection (and its prepared statements) between groups.
            SqliteSingleWriterDataSource singleWriter = singleWriter();
            return (singleWriter != null)
                    ? singleWriter.getWritePool().getConnection()
                    : this.dataSource.getConnection();
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Opening the group commit writer's connection", null, ex);
        }
    }

    private void checkSqlite(Connection handle) throws SQLException {
        if (!handle.isWrapperFor(SQLiteConnection.class)) {
            String product = handle.getMetaData().getDatabaseProductName();
            throw new IllegalStateException("GroupCommitWriter needs a SQLite DataSource, but " + this.dataSource
                    + " gave a " + product + " connection. Point it at a jdbc:sqlite: database, or set"
                    + " sqlite.hybrid.writer.group-commit.enabled=false");
        }
    }

    private @Nullable SqliteSingleWriterDataSource singleWriter() throws SQLException {
        return this.dataSource.isWrapperFor(SqliteSingleWriterDataSource.class)
                ? this.dataSource.unwrap(SqliteSingleWriterDataSource.class)
                : null;
    }

    private boolean isWriterThread() {
        GroupCommitWorker current = this.worker;
        return current != null && current.isWorkerThread();
    }

    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new UndeclaredThrowableException(failure);
    }
}
