package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 */
public final class GroupCommitWriter implements SmartLifecycle, AutoCloseable {

    /**
     * The lifecycle phase: stopped after Boot's web server ({@code DEFAULT_PHASE - 1024} and {@code - 2048})
     * and the application's executors ({@code DEFAULT_PHASE}), so their last units are still accepted, and
     * before the write buffer ({@code DEFAULT_PHASE - 4096}) and the DataSource.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    private static final Log logger = LogFactory.getLog(GroupCommitWriter.class);

    /** How long an idle writer sleeps before it looks at its stop flag again. */
    private static final long IDLE_POLL_MILLIS = 100;

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

    private volatile @Nullable Worker worker;

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
        WriteTurn turn = obtainWorker().turn;
        if (turn != null && turn.isHeldByCurrentThread()) {
            throw new IllegalStateException("GroupCommitWriter.execute was called inside a write transaction of its"
                    + " own thread, which holds the write turn: the group could only commit once that transaction"
                    + " ends, and the transaction waits for this call. Call submit instead and leave its future"
                    + " alone until the transaction has committed, or call execute after the commit.");
        }
        CompletableFuture<T> future = submit(unit);
        try {
            return future.get();
        } catch (ExecutionException ex) {
            throw unchecked(ex.getCause());
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
        Worker current = obtainWorker();
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
        if (current.stopRequested && this.queue.remove(pending)) {
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

    /**
     * Accept units again after a {@link #stop}. A new writer thread and connection are set up on the next
     * unit.
     */
    @Override
    public void start() {
        synchronized (this.lifecycleMonitor) {
            Worker previous = this.worker;
            if (previous != null && previous.stopRequested) {
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
        Worker current;
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
            return this.lifecycleRunning || (this.worker != null && !this.worker.stopRequested);
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

    private Worker obtainWorker() {
        Worker current = this.worker;
        if (current != null && !current.stopRequested) {
            return current;
        }
        synchronized (this.lifecycleMonitor) {
            if (!this.accepting) {
                this.tracker.unitRejected();
                throw new GroupCommitStoppedException();
            }
            current = this.worker;
            if (current == null || current.stopRequested) {
                current = openWorker();
                current.thread.start();
                this.worker = current;
            }
            return current;
        }
    }

    private Worker openWorker() {
        Connection handle;
        try {
            // With the single writer, a connection of its write pool: the writer takes the write turn around each
            // group itself, and keeps the connection (and its prepared statements) between groups.
            handle = this.dataSource.isWrapperFor(SqliteSingleWriterDataSource.class)
                    ? this.dataSource
                            .unwrap(SqliteSingleWriterDataSource.class)
                            .getWritePool()
                            .getConnection()
                    : this.dataSource.getConnection();
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Opening the group commit writer's connection", null, ex);
        }
        try {
            if (!handle.isWrapperFor(SQLiteConnection.class)) {
                String product = handle.getMetaData().getDatabaseProductName();
                throw new IllegalStateException("GroupCommitWriter needs a SQLite DataSource, but " + this.dataSource
                        + " gave a " + product + " connection. Point it at a jdbc:sqlite: database, or set"
                        + " sqlite.hybrid.writer.group-commit.enabled=false");
            }
            // Auto-commit on: the writer begins and commits itself, so no lock is held between groups.
            if (!handle.getAutoCommit()) {
                handle.setAutoCommit(true);
            }
            SqliteSingleWriterDataSource singleWriter = this.dataSource.isWrapperFor(SqliteSingleWriterDataSource.class)
                    ? this.dataSource.unwrap(SqliteSingleWriterDataSource.class)
                    : null;
            return new Worker(handle, handle.unwrap(SQLiteConnection.class), singleWriter);
        } catch (SQLException ex) {
            closeQuietly(handle);
            throw new UncategorizedSQLException("Preparing the group commit writer's connection", null, ex);
        } catch (RuntimeException ex) {
            closeQuietly(handle);
            throw ex;
        }
    }

    private boolean isWriterThread() {
        Worker current = this.worker;
        return current != null && current.thread == Thread.currentThread();
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

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ex) {
            logger.debug("Could not close the group commit writer's connection", ex);
        }

        /** The writer thread, its connection and its prepared statements. */
    }

    private final class Worker implements Runnable {

        final Thread thread;

        volatile boolean stopRequested;

        private final Connection handle;

        private final List<Runnable> stopCallbacks = new ArrayList<>();

        private final CountDownLatch terminated = new CountDownLatch(1);

        private final SQLiteConnection sqlite;

        private final boolean generatedKeys;

        private final StatementCachingConnection unitConnection;

        private final JdbcTemplate jdbc;

        private final List<PreparedStatement> controlStatements = new ArrayList<>();

        /** The single writer's turn, taken around each group's transaction; {@code null} without it. */
        private final @Nullable WriteTurn turn;

        private final Duration turnTimeout;

        /** Whether a group's transaction is under way, so that its units complete after the turn is given back. */
        private boolean holdingTurn;

        private final List<PendingUnit<?>> finished = new ArrayList<>();

        private final PreparedStatement begin;

        private final PreparedStatement commit;

        private final PreparedStatement rollback;

        private final PreparedStatement savepoint;

        private final PreparedStatement release;

        private final PreparedStatement rollbackToSavepoint;

        /**
         * Prepare the writer's statements, on the caller's thread so that a failure reaches the caller.
         * @param handle the connection as the DataSource gave it, closed to give it back
         * @param sqlite the physical connection behind it, which the writer works on
         */
        Worker(Connection handle, SQLiteConnection sqlite, @Nullable SqliteSingleWriterDataSource singleWriter)
                throws SQLException {
            this.handle = handle;
            this.turn = (singleWriter != null) ? singleWriter.getWriteTurn() : null;
            this.turnTimeout = (singleWriter != null) ? singleWriter.getAcquireTimeout() : Duration.ZERO;
            try {
                this.begin = prepareControl(sqlite, "BEGIN IMMEDIATE");
                this.commit = prepareControl(sqlite, "COMMIT");
                this.rollback = prepareControl(sqlite, "ROLLBACK");
                this.savepoint = prepareControl(sqlite, "SAVEPOINT group_commit_unit");
                this.release = prepareControl(sqlite, "RELEASE group_commit_unit");
                this.rollbackToSavepoint = prepareControl(sqlite, "ROLLBACK TO group_commit_unit");
            } catch (SQLException ex) {
                closeControlStatements();
                throw ex;
            }
            this.sqlite = sqlite;
            // Both flags are set back before the connection returns to the pool.
            this.generatedKeys = sqlite.getConnectionConfig().isGetGeneratedKeys();
            // Off, unless a statement asks for them: see StatementCachingConnection.
            sqlite.getConnectionConfig().setGetGeneratedKeys(false);
            // In auto-commit mode sqlite-jdbc follows every statement with a BEGIN/COMMIT probe, which inside the
            // writer's own transaction only fails, at a cost of about a microsecond each. Clearing the driver's
            // flag (no SQL is run) skips the probe; SQLite itself stays in auto-commit between groups, so no lock
            // is held.
            sqlite.getConnectionConfig().setAutoCommit(false);
            this.unitConnection = new StatementCachingConnection(
                    sqlite, GroupCommitWriter.this.statementCacheSize, this.generatedKeys);
            this.jdbc = new JdbcTemplate(new BoundConnectionDataSource(this.unitConnection.connection()));
            this.thread = new Thread(this, "sqlite-group-commit");
            // Daemon: an application that never closes its context must still be able to exit.
            this.thread.setDaemon(true);
        }

        private PreparedStatement prepareControl(SQLiteConnection sqlite, String sql) throws SQLException {
            PreparedStatement statement = sqlite.prepareStatement(sql);
            this.controlStatements.add(statement);
            return statement;
        }

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

        void awaitTermination() {
            try {
                this.terminated.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            List<PendingUnit<?>> group = new ArrayList<>(Math.min(GroupCommitWriter.this.maxBatch, 4096));
            try {
                while (true) {
                    PendingUnit<?> first = nextUnit();
                    if (first == null) {
                        if (this.stopRequested && GroupCommitWriter.this.queue.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    group.add(first);
                    GroupCommitWriter.this.queue.drainTo(group, GroupCommitWriter.this.maxBatch - 1);
                    try {
                        runGroup(group);
                    } catch (RuntimeException | Error ex) {
                        // A bug here must not strand the group's callers or end the only writer thread.
                        logger.error("Group commit writer failed to run a group", ex);
                        rollbackQuietly();
                        for (PendingUnit<?> pending : group) {
                            pending.future().completeExceptionally(ex);
                        }
                    }
                    group.clear();
                }
            } finally {
                shutDown();
            }
        }

        private @Nullable PendingUnit<?> nextUnit() {
            try {
                return this.stopRequested
                        ? GroupCommitWriter.this.queue.poll()
                        : GroupCommitWriter.this.queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                // Nobody should interrupt the writer; stopping is done through stop().
                return null;
            }
        }

        private void runGroup(List<PendingUnit<?>> group) {
            long started = System.nanoTime();
            int size = group.size();
            long waited = 0;
            for (PendingUnit<?> pending : group) {
                long wait = started - pending.enqueuedNanos();
                waited += wait;
                GroupCommitWriter.this.tracker.unitDequeued(wait);
            }
            GroupCommitWriter.this.tracker.groupDequeued(size, waited);
            int from = 0;
            while (from < size) {
                from = runTransaction(group, from);
            }
        }

        /**
         * Run units from {@code from} in one transaction.
         * @return the index of the first unit not run: the group's size, unless the transaction broke early
         */
        private int runTransaction(List<PendingUnit<?>> group, int from) {
            List<PendingUnit<?>> succeeded = new ArrayList<>(group.size() - from);
            List<PendingUnit<?>> failed = new ArrayList<>();
            int size = group.size();
            int next = from;
            while (next < size && group.get(next).isDone()) {
                next++; // cancelled before it started
            }
            if (next == size) {
                return size;
            }
            GroupCommitWriter.this.tracker.transactionStarted();
            WriteTurn.Holder turnHeld;
            try {
                // With the single writer, the group waits its turn like any write transaction of the application.
                turnHeld = (this.turn != null) ? this.turn.acquire("group commit", this.turnTimeout) : null;
            } catch (SQLException ex) {
                failGroup(
                        group.subList(next, size),
                        List.of(),
                        translate("Waiting for the write turn", "BEGIN IMMEDIATE", ex));
                return size;
            }
            this.holdingTurn = true;
            try {
                return runUnits(group, next, succeeded, failed);
            } finally {
                this.holdingTurn = false;
                if (turnHeld != null) {
                    this.turn.release(turnHeld);
                }
                for (PendingUnit<?> pending : this.finished) {
                    pending.complete();
                }
                this.finished.clear();
            }
        }

        /** BEGIN IMMEDIATE, each unit in its savepoint, COMMIT; returns as {@link #runTransaction}. */
        private int runUnits(
                List<PendingUnit<?>> group, int first, List<PendingUnit<?>> succeeded, List<PendingUnit<?>> failed) {
            JdbcTemplate jdbc = this.jdbc;
            int size = group.size();
            int next = first;
            try {
                this.begin.executeUpdate();
            } catch (SQLException ex) {
                DataAccessException failure =
                        translate("Beginning a group commit of " + (size - next) + " units", "BEGIN IMMEDIATE", ex);
                failGroup(group.subList(next, size), List.of(), failure);
                return size;
            }
            for (; next < size; next++) {
                PendingUnit<?> pending = group.get(next);
                if (pending.isDone()) {
                    continue;
                }
                String step = "SAVEPOINT group_commit_unit";
                try {
                    this.savepoint.executeUpdate();
                    pending.run(jdbc);
                    if (pending.failure() != null) {
                        step = "ROLLBACK TO group_commit_unit";
                        this.rollbackToSavepoint.executeUpdate();
                    }
                    step = "RELEASE group_commit_unit";
                    this.release.executeUpdate();
                } catch (SQLException ex) {
                    // The transaction ended under us (SQLite rolls back on some errors, or a unit ran COMMIT).
                    rollbackQuietly();
                    DataAccessException failure =
                            translate("Group commit transaction ended early, its units were rolled back", step, ex);
                    pending.fail(failure);
                    failed.add(pending);
                    failGroup(succeeded, failed, failure);
                    return next + 1;
                }
                Throwable failure = pending.failure();
                if (failure != null) {
                    failed.add(pending);
                    noteLockError(failure);
                } else {
                    succeeded.add(pending);
                }
            }
            long commitStarted = System.nanoTime();
            try {
                this.commit.executeUpdate();
            } catch (SQLException ex) {
                rollbackQuietly();
                DataAccessException failure = translate(
                        "Committing a group of " + (succeeded.size() + failed.size()) + " units, none committed",
                        "COMMIT",
                        ex);
                failGroup(succeeded, failed, failure);
                return size;
            }
            long commitTook = System.nanoTime() - commitStarted;
            GroupCommitWriter.this.tracker.groupCommitted(succeeded.size(), failed.size(), commitTook);
            for (PendingUnit<?> pending : succeeded) {
                finish(pending);
            }
            for (PendingUnit<?> pending : failed) {
                finish(pending);
            }
            return size;
        }

        /**
         * End a group whose transaction failed: units that had succeeded get the failure; units that threw keep
         * their own exception.
         */
        private void failGroup(
                List<PendingUnit<?>> succeeded, List<PendingUnit<?>> failed, DataAccessException failure) {
            int units = succeeded.size() + failed.size();
            // A lock error here: another process held the lock past busy_timeout at BEGIN IMMEDIATE or COMMIT.
            int lockErrorUnits = GroupCommitWriter.this.lockErrorClassifier.isLockError(failure) ? succeeded.size() : 0;
            GroupCommitWriter.this.tracker.groupFailed(units, lockErrorUnits, failure);
            logger.debug("Group commit of " + units + " units failed", failure);
            for (PendingUnit<?> pending : succeeded) {
                if (!pending.isDone()) {
                    pending.fail(failure);
                    finish(pending);
                }
            }
            for (PendingUnit<?> pending : failed) {
                finish(pending);
            }
        }

        /**
         * Complete a unit's future, or, while the group holds the write turn, once it has given the turn back: a
         * caller whose unit is done must find the turn free.
         */
        private void finish(PendingUnit<?> pending) {
            if (this.holdingTurn) {
                this.finished.add(pending);
            } else {
                pending.complete();
            }
        }

        private void noteLockError(Throwable failure) {
            String code = GroupCommitWriter.this.lockErrorClassifier.lockErrorCode(failure);
            if (code != null && GroupCommitWriter.this.tracker.unitLockError()) {
                logger.warn("A group commit unit failed with a lock error (" + code + ") although the writer holds"
                        + " the write lock: does it use a connection other than the JdbcTemplate it is given? The"
                        + " unit was rolled back and its caller got the error (logged once)");
            }
        }

        private DataAccessException translate(String task, String sql, SQLException ex) {
            DataAccessException translated = this.jdbc.getExceptionTranslator().translate(task, sql, ex);
            return (translated != null) ? translated : new UncategorizedSQLException(task, sql, ex);
        }

        private void rollbackQuietly() {
            try {
                this.rollback.executeUpdate();
            } catch (SQLException ex) {
                // "no transaction is active": SQLite already rolled back.
                logger.debug("ROLLBACK after a failed group commit", ex);
            }
        }

        private void shutDown() {
            // Nothing should be open here; if a bug left a transaction, it must not reach the pool.
            rollbackQuietly();
            this.unitConnection.closeAll();
            this.sqlite.getConnectionConfig().setAutoCommit(true);
            this.sqlite.getConnectionConfig().setGetGeneratedKeys(this.generatedKeys);
            closeControlStatements();
            closeQuietly(this.handle);
            List<Runnable> callbacks;
            synchronized (this.stopCallbacks) {
                this.stopRequested = true;
                this.terminated.countDown();
                callbacks = new ArrayList<>(this.stopCallbacks);
            }
            callbacks.forEach(Runnable::run);
        }

        private void closeControlStatements() {
            for (PreparedStatement statement : this.controlStatements) {
                try {
                    statement.close();
                } catch (SQLException ex) {
                    logger.debug("Could not close a group commit statement", ex);
                }
            }
        }
    }
}
