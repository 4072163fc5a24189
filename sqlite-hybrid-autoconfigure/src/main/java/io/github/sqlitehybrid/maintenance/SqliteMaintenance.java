package io.github.sqlitehybrid.maintenance;

import io.github.sqlitehybrid.writer.WriteTurn;
import io.github.sqlitehybrid.writer.WriterStats;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Routine maintenance of one SQLite database file. Every {@code checkpoint-interval} a passive checkpoint copies
 * what it can of the WAL into the database and measures it; a WAL past {@code wal-limit} is logged with the long
 * reads that hold it and counted; once the service is quiet (no frame written since the last passive checkpoint,
 * which copied every frame) the WAL is truncated to nothing. {@link #truncateNow()} does that on demand. {@code
 * PRAGMA optimize} runs every {@code optimize-interval} and as the service stops.
 *
 * <p>A truncating checkpoint takes the single writer's write turn while it runs, so that the application's writers
 * wait for it instead of meeting SQLite's lock.
 *
 * @since 0.1.0
 */
public final class SqliteMaintenance implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(SqliteMaintenance.class);

    private final WalCheckpointer checkpointer;

    private final MaintenanceProperties properties;

    private final long walLimitBytes;

    private final @Nullable WriteTurn turn;

    private final ReentrantLock oneAtATime = new ReentrantLock();

    private final LongAdder passive = new LongAdder();

    private final LongAdder busy = new LongAdder();

    private final LongAdder truncations = new LongAdder();

    private final LongAdder oversized = new LongAdder();

    private final LongAdder optimizations = new LongAdder();

    private volatile @Nullable WalCheckpoint last;

    private volatile long lastOptimizeMs = -1;

    private volatile @Nullable ThreadPoolTaskScheduler scheduler;

    /**
     * Create the maintenance of a database file.
     * @param database the database file
     * @param properties how often, and the WAL's limit
     * @param walLimitBytes the size past which a WAL is reported
     * @param turn the single writer's write turn, {@code null} without the single writer
     */
    public SqliteMaintenance(
            Path database, MaintenanceProperties properties, long walLimitBytes, @Nullable WriteTurn turn) {
        this.checkpointer = new WalCheckpointer(database, Clock.systemUTC());
        this.properties = properties;
        this.walLimitBytes = walLimitBytes;
        this.turn = turn;
    }

    /**
     * Run a passive checkpoint now, as the schedule does: measure the WAL, report it past its limit, and truncate it
     * when the service is quiet and {@code truncate-when-quiet} is on.
     * @return the passive checkpoint's result
     * @throws SQLException when the checkpoint could not run
     */
    public WalCheckpoint checkpointNow() throws SQLException {
        this.oneAtATime.lock();
        try {
            WalCheckpoint previous = this.last;
            WalCheckpoint result = record(this.checkpointer.passive());
            this.passive.increment();
            checkLimit(result);
            if (this.properties.isTruncateWhenQuiet() && isQuiet(previous, result)) {
                truncate();
            }
            return result;
        } finally {
            this.oneAtATime.unlock();
        }
    }

    /**
     * Truncate the WAL to nothing now: a {@code TRUNCATE} checkpoint, holding the write turn while it runs.
     * @return its result, with the WAL's size before and after; {@code busy} when a reader kept it from completing
     * @throws SQLException when the checkpoint could not run, or the write turn could not be had
     */
    public WalCheckpoint truncateNow() throws SQLException {
        this.oneAtATime.lock();
        try {
            return truncate();
        } finally {
            this.oneAtATime.unlock();
        }
    }

    /**
     * Run {@code PRAGMA optimize} now.
     * @return how long it took, in milliseconds
     * @throws SQLException when it could not run
     */
    public long optimizeNow() throws SQLException {
        long millis = this.checkpointer.optimize();
        this.optimizations.increment();
        this.lastOptimizeMs = millis;
        return millis;
    }

    /**
     * The figures since start.
     * @return a snapshot
     */
    public MaintenanceStats stats() {
        return new MaintenanceStats(
                this.checkpointer.walBytes(),
                this.walLimitBytes,
                this.passive.sum(),
                this.busy.sum(),
                this.truncations.sum(),
                this.oversized.sum(),
                this.last,
                longReads(),
                this.optimizations.sum(),
                this.lastOptimizeMs);
    }

    private WalCheckpoint truncate() throws SQLException {
        WriteTurn writers = this.turn;
        WriteTurn.Holder holder =
                (writers != null) ? writers.acquire("a truncating WAL checkpoint", Duration.ofSeconds(30)) : null;
        try {
            WalCheckpoint result = record(this.checkpointer.truncate());
            this.truncations.increment();
            logger.info("Truncated the WAL: " + result.walBytesBefore() + " bytes before, " + result.walBytesAfter()
                    + " after" + (result.busy() ? " (busy: a reader is still on the WAL)" : ""));
            return result;
        } finally {
            if (writers != null && holder != null) {
                writers.release(holder);
            }
        }
    }

    private WalCheckpoint record(WalCheckpoint result) {
        if (result.busy()) {
            this.busy.increment();
        }
        this.last = result;
        return result;
    }

    /** Quiet: nothing written since the previous passive checkpoint, which left nothing to copy. */
    private static boolean isQuiet(@Nullable WalCheckpoint previous, WalCheckpoint now) {
        return previous != null
                && previous.isComplete()
                && now.isComplete()
                && now.walFrames() == previous.walFrames()
                && now.walFrames() > 0;
    }

    private void checkLimit(WalCheckpoint result) {
        if (result.walBytesAfter() <= this.walLimitBytes) {
            return;
        }
        this.oversized.increment();
        List<WriterStats.LongRead> reads = longReads();
        logger.warn("The WAL is " + result.walBytesAfter() + " bytes, past its limit of " + this.walLimitBytes
                + " (sqlite.hybrid.maintenance.wal-limit); " + result.checkpointedFrames() + " of "
                + result.walFrames() + " frames are checkpointed. "
                + (reads.isEmpty()
                        ? "No long read is open: writes came faster than checkpoints could copy them"
                        : "Long reads hold it: " + reads));
    }

    private List<WriterStats.LongRead> longReads() {
        return (this.turn != null) ? this.turn.stats().longReads() : List.of();
    }

    private void scheduledCheckpoint() {
        try {
            checkpointNow();
        } catch (SQLException | RuntimeException ex) {
            logger.warn("The periodic WAL checkpoint failed: " + ex);
        }
    }

    private void scheduledOptimize() {
        try {
            optimizeNow();
        } catch (SQLException | RuntimeException ex) {
            logger.warn("PRAGMA optimize failed: " + ex);
        }
    }

    @Override
    public void start() {
        ThreadPoolTaskScheduler started = new ThreadPoolTaskScheduler();
        started.setThreadNamePrefix("sqlite-hybrid-maintenance-");
        started.setDaemon(true);
        started.setWaitForTasksToCompleteOnShutdown(true);
        started.setAwaitTerminationSeconds(30);
        started.initialize();
        Duration interval = this.properties.getCheckpointInterval();
        started.scheduleWithFixedDelay(
                this::scheduledCheckpoint, started.getClock().instant().plus(interval), interval);
        Duration optimize = this.properties.getOptimizeInterval();
        if (!optimize.isZero()) {
            started.scheduleWithFixedDelay(
                    this::scheduledOptimize, started.getClock().instant().plus(optimize), optimize);
        }
        this.scheduler = started;
    }

    @Override
    public void stop() {
        ThreadPoolTaskScheduler started = this.scheduler;
        if (started == null) {
            return;
        }
        this.scheduler = null;
        started.shutdown();
        if (!this.properties.getOptimizeInterval().isZero()) {
            scheduledOptimize();
        }
    }

    @Override
    public boolean isRunning() {
        return this.scheduler != null;
    }
}
