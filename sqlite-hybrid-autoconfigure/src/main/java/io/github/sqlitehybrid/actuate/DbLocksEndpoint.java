package io.github.sqlitehybrid.actuate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferFlushException;
import io.github.sqlitehybrid.buffer.WriteBufferStats;
import io.github.sqlitehybrid.buffer.WriteBufferStats.DeadLetter;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseStats;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector.DatabaseState;
import io.github.sqlitehybrid.retry.DbRetryStats;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.retry.LockStatistics.LockEvent;
import io.github.sqlitehybrid.writer.GroupCommitStats;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import io.github.sqlitehybrid.writer.WriteTurn;
import io.github.sqlitehybrid.writer.WriterStats;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/dblocks}: what lock errors happened and what the database looks like now.
 *
 * <p>The answer ({@link DbLocksDescriptor}) holds a {@code retry} section and a {@code database} section, and one
 * section for each further part of the starter the application has: {@code writer}, {@code groupCommit},
 * {@code writeBuffer} and {@code logDatabase}. {@code POST /actuator/dblocks} flushes the write buffer at once and
 * answers {@code {"flushed": N}} ({@link FlushDescriptor}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "dblocks")
public class DbLocksEndpoint {

    private final LockStatistics statistics;

    private final @Nullable SqliteDatabaseInspector inspector;

    private final @Nullable WriteBuffer writeBuffer;

    private final @Nullable LogDatabase logDatabase;

    private final @Nullable WriteTurn writeTurn;

    private final @Nullable GroupCommitWriter groupCommitWriter;

    /**
     * Create a new endpoint.
     * @param statistics figures of calls retried on lock errors
     * @param inspector reads the database's state, {@code null} when the application has no DataSource
     */
    public DbLocksEndpoint(LockStatistics statistics, @Nullable SqliteDatabaseInspector inspector) {
        this(statistics, inspector, null, null, null, null);
    }

    /**
     * Create a new endpoint.
     * @param statistics figures of calls retried on lock errors
     * @param inspector reads the database's state, {@code null} when the application has no DataSource
     * @param writeTurn the single writer's write turn, {@code null} when the single writer is off
     * @param groupCommitWriter the group commit writer, {@code null} when the application has none
     * @param writeBuffer the write buffer, {@code null} when the application has none
     * @param logDatabase the log database, {@code null} when it is not enabled
     */
    public DbLocksEndpoint(
            LockStatistics statistics,
            @Nullable SqliteDatabaseInspector inspector,
            @Nullable WriteTurn writeTurn,
            @Nullable GroupCommitWriter groupCommitWriter,
            @Nullable WriteBuffer writeBuffer,
            @Nullable LogDatabase logDatabase) {
        this.statistics = statistics;
        this.inspector = inspector;
        this.writeTurn = writeTurn;
        this.groupCommitWriter = groupCommitWriter;
        this.writeBuffer = writeBuffer;
        this.logDatabase = logDatabase;
    }

    /**
     * The report.
     * @return a section per part of the starter
     */
    @ReadOperation
    public DbLocksDescriptor dblocks() {
        Map<String, RetryDescriptor> methods = new LinkedHashMap<>();
        this.statistics.operations().forEach((name, stats) -> methods.put(name, RetryDescriptor.of(stats, null)));
        return new DbLocksDescriptor(
                RetryDescriptor.of(this.statistics.totals(), methods),
                (this.inspector != null) ? DatabaseDescriptor.of(this.inspector) : null,
                (this.writeTurn != null) ? WriterDescriptor.of(this.writeTurn.stats()) : null,
                (this.groupCommitWriter != null) ? GroupCommitDescriptor.of(this.groupCommitWriter.stats()) : null,
                (this.writeBuffer != null) ? WriteBufferDescriptor.of(this.writeBuffer.stats()) : null,
                (this.logDatabase != null) ? LogDatabaseDescriptor.of(this.logDatabase.stats()) : null);
    }

    /**
     * Flush the write buffer now.
     * @return the rows written; with {@code error} when a batch could not be written (its rows stay pending), or
     *     {@code message} when the application has no write buffer
     */
    @WriteOperation
    public FlushDescriptor flush() {
        if (this.writeBuffer == null) {
            return new FlushDescriptor(
                    0,
                    null,
                    "No write buffer: it needs a SQLite DataSource and sqlite.hybrid.write-buffer.enabled=true");
        }
        try {
            return new FlushDescriptor(this.writeBuffer.flush(), null, null);
        } catch (WriteBufferFlushException ex) {
            return new FlushDescriptor(ex.getRowsWritten(), ex.getMessage(), null);
        }
    }

    private static @Nullable String text(@Nullable Instant time) {
        return (time != null) ? time.toString() : null;
    }

    /**
     * The whole report; a section is absent when the application does not have that part of the starter.
     *
     * @param retry calls retried on lock errors
     * @param database the application's database
     * @param writer the single writer's write turn
     * @param groupCommit the group commit writer
     * @param writeBuffer the write buffer
     * @param logDatabase the log database
     */
    public record DbLocksDescriptor(
            RetryDescriptor retry,
            @JsonInclude(Include.NON_NULL) @Nullable DatabaseDescriptor database,
            @JsonInclude(Include.NON_NULL) @Nullable WriterDescriptor writer,
            @JsonInclude(Include.NON_NULL) @Nullable GroupCommitDescriptor groupCommit,
            @JsonInclude(Include.NON_NULL) @Nullable WriteBufferDescriptor writeBuffer,
            @JsonInclude(Include.NON_NULL) @Nullable LogDatabaseDescriptor logDatabase) {}

    /**
     * Calls retried on lock errors, in total or for one method (see {@link DbRetryStats}).
     *
     * @param calls calls made
     * @param lockErrors attempts that failed with a lock error
     * @param retries attempts after the first
     * @param recoveries calls that succeeded after retries
     * @param failures calls that failed with a lock error
     * @param failureRate {@code failures / calls}
     * @param avgWaitMs mean backoff wait before a retry
     * @param maxWaitMs longest backoff wait before a retry
     * @param lastLockEvent the most recent lock error
     * @param lockErrorsPerMinute lock errors per minute over the last five minutes; in the totals only
     * @param outcomes calls by outcome
     * @param lockErrorCodes lock errors by code name
     * @param methods the same per method; in the totals only
     */
    public record RetryDescriptor(
            long calls,
            long lockErrors,
            long retries,
            long recoveries,
            long failures,
            double failureRate,
            double avgWaitMs,
            double maxWaitMs,
            @Nullable LockEventDescriptor lastLockEvent,
            @JsonInclude(Include.NON_NULL) @Nullable Double lockErrorsPerMinute,
            Map<String, Long> outcomes,
            Map<String, Long> lockErrorCodes,
            @JsonInclude(Include.NON_NULL) @Nullable Map<String, RetryDescriptor> methods) {

        static RetryDescriptor of(DbRetryStats stats, @Nullable Map<String, RetryDescriptor> methods) {
            LockEvent event = stats.lastLockEvent();
            return new RetryDescriptor(
                    stats.calls(),
                    stats.lockErrors(),
                    stats.retries(),
                    stats.recoveries(),
                    stats.failures(),
                    stats.failureRate(),
                    stats.avgWaitMs(),
                    stats.maxWaitMs(),
                    (event != null)
                            ? new LockEventDescriptor(event.time().toString(), event.operation(), event.code())
                            : null,
                    stats.lockErrorsPerMinute(),
                    stats.outcomes(),
                    stats.lockErrorCodes(),
                    methods);
        }
    }

    /**
     * The most recent lock error.
     *
     * @param time when it happened, ISO-8601
     * @param method the method or operation that met it
     * @param code its code name
     */
    public record LockEventDescriptor(String time, String method, String code) {}

    /**
     * The application's database, or the error met reading it.
     *
     * @param product the database product
     * @param version its version
     * @param path the main database file, for SQLite
     * @param journalMode the journal mode in effect, for SQLite
     * @param pragmas each configured PRAGMA as read back, for SQLite
     * @param walSizeBytes size of the write-ahead log file, for SQLite
     * @param error why the database could not be read
     */
    public record DatabaseDescriptor(
            @JsonInclude(Include.NON_NULL) @Nullable String product,
            @JsonInclude(Include.NON_NULL) @Nullable String version,
            @JsonInclude(Include.NON_NULL) @Nullable String path,
            @JsonInclude(Include.NON_NULL) @Nullable String journalMode,
            @JsonInclude(Include.NON_NULL) @Nullable Map<String, Object> pragmas,
            @JsonInclude(Include.NON_NULL) @Nullable Long walSizeBytes,
            @JsonInclude(Include.NON_NULL) @Nullable String error) {

        static DatabaseDescriptor of(SqliteDatabaseInspector inspector) {
            try {
                DatabaseState state = inspector.inspect();
                if (!state.isSqlite()) {
                    return new DatabaseDescriptor(state.product(), state.version(), null, null, null, null, null);
                }
                return new DatabaseDescriptor(
                        state.product(),
                        state.version(),
                        state.path(),
                        state.journalMode(),
                        state.pragmas(),
                        state.walSizeBytes(),
                        null);
            } catch (SQLException ex) {
                return new DatabaseDescriptor(null, null, null, null, null, null, ex.getMessage());
            }
        }
    }

    /**
     * The single writer's write turn (see {@link WriterStats}).
     *
     * @param holder who holds the turn now
     * @param waiting threads waiting for it
     * @param acquisitions times it was taken
     * @param timeouts waits that ran out
     * @param longTransactions holds longer than the long-transaction threshold
     * @param avgWaitMs mean wait for the turn
     * @param maxWaitMs longest wait for the turn
     * @param avgHoldMs mean hold of the turn
     * @param maxHoldMs longest hold of the turn
     * @param locks times a holder asked SQLite for its write lock
     * @param lockFailures of those, the ones that failed
     * @param totalLockWaitMs time spent getting SQLite's write lock
     * @param avgLockWaitMs mean time to get SQLite's write lock
     * @param maxLockWaitMs longest time to get SQLite's write lock
     * @param longReadTransactions reads (read-only transactions, and reads outside one that left a result set open)
     *     that kept their snapshot past the long-read threshold, once they ended
     * @param longReads the reads open now for longer than the long-read threshold, oldest first
     * @param coalescing the COMMITs write transactions shared (commit coalescing)
     */
    public record WriterDescriptor(
            @Nullable String holder,
            int waiting,
            long acquisitions,
            long timeouts,
            long longTransactions,
            double avgWaitMs,
            double maxWaitMs,
            double avgHoldMs,
            double maxHoldMs,
            long locks,
            long lockFailures,
            double totalLockWaitMs,
            double avgLockWaitMs,
            double maxLockWaitMs,
            long longReadTransactions,
            List<WriterStats.LongRead> longReads,
            WriterStats.Coalescing coalescing) {

        static WriterDescriptor of(WriterStats stats) {
            return new WriterDescriptor(
                    stats.holder(),
                    stats.waiting(),
                    stats.acquisitions(),
                    stats.timeouts(),
                    stats.longTransactions(),
                    stats.avgWaitMs(),
                    stats.maxWaitMs(),
                    stats.avgHoldMs(),
                    stats.maxHoldMs(),
                    stats.locks(),
                    stats.lockFailures(),
                    stats.totalLockWaitMs(),
                    stats.avgLockWaitMs(),
                    stats.maxLockWaitMs(),
                    stats.longReadTransactions(),
                    stats.longReads(),
                    stats.coalescing());
        }
    }

    /**
     * The group commit writer (see {@link GroupCommitStats}).
     *
     * @param committedUnits units whose work was committed
     * @param failedUnits units that ended with an exception
     * @param rejectedUnits units refused
     * @param groups transactions run
     * @param failedGroups transactions that failed
     * @param meanGroupSize mean units per transaction
     * @param largestGroup most units in one transaction
     * @param queued units waiting now
     * @param meanQueueWaitMs mean wait of a unit in the queue
     * @param meanCommitMs mean time of a successful COMMIT
     * @param maxCommitMs longest successful COMMIT
     */
    public record GroupCommitDescriptor(
            long committedUnits,
            long failedUnits,
            long rejectedUnits,
            long groups,
            long failedGroups,
            double meanGroupSize,
            int largestGroup,
            int queued,
            double meanQueueWaitMs,
            double meanCommitMs,
            double maxCommitMs) {

        static GroupCommitDescriptor of(GroupCommitStats stats) {
            return new GroupCommitDescriptor(
                    stats.committedUnits(),
                    stats.failedUnits(),
                    stats.rejectedUnits(),
                    stats.groups(),
                    stats.failedGroups(),
                    stats.meanGroupSize(),
                    stats.largestGroup(),
                    stats.queued(),
                    stats.meanQueueWaitMillis(),
                    stats.meanCommitMillis(),
                    stats.maxCommitMillis());
        }
    }

    /**
     * The write buffer (see {@link WriteBufferStats}).
     *
     * @param pending rows waiting to be written
     * @param pendingByTable pending rows per table
     * @param buffered write calls accepted
     * @param coalesced calls merged into a pending row
     * @param flushed rows written
     * @param failed flush transactions that failed as a whole
     * @param flushes flushes that had rows to write
     * @param lastFlushTime when the last such flush ended, ISO-8601
     * @param lastFlushDurationMs how long it took
     * @param lastFlushError message of the last failed flush, if none committed since
     * @param deadLetters rows the database refused
     * @param recentDeadLetters the most recent refused rows
     */
    public record WriteBufferDescriptor(
            int pending,
            Map<String, Integer> pendingByTable,
            long buffered,
            long coalesced,
            long flushed,
            long failed,
            long flushes,
            @Nullable String lastFlushTime,
            @Nullable Double lastFlushDurationMs,
            @Nullable String lastFlushError,
            long deadLetters,
            List<DeadLetterDescriptor> recentDeadLetters) {

        static WriteBufferDescriptor of(WriteBufferStats stats) {
            return new WriteBufferDescriptor(
                    stats.pending(),
                    stats.pendingByTable(),
                    stats.buffered(),
                    stats.coalesced(),
                    stats.flushed(),
                    stats.failed(),
                    stats.flushes(),
                    text(stats.lastFlushTime()),
                    (stats.lastFlushDuration() != null)
                            ? stats.lastFlushDuration().toNanos() / 1e6
                            : null,
                    stats.lastFlushError(),
                    stats.deadLetters(),
                    stats.recentDeadLetters().stream()
                            .map(DeadLetterDescriptor::of)
                            .toList());
        }
    }

    /**
     * A row the database refused (see {@link DeadLetter}).
     *
     * @param time when it was refused, ISO-8601
     * @param table the table
     * @param operation what the row would have done
     * @param key its key columns and values
     * @param values its other columns and values
     * @param error the database's message
     */
    public record DeadLetterDescriptor(
            String time,
            String table,
            String operation,
            Map<String, Object> key,
            Map<String, @Nullable Object> values,
            String error) {

        static DeadLetterDescriptor of(DeadLetter deadLetter) {
            return new DeadLetterDescriptor(
                    deadLetter.time().toString(),
                    deadLetter.table(),
                    deadLetter.operation(),
                    deadLetter.key(),
                    deadLetter.values(),
                    deadLetter.error());
        }
    }

    /**
     * The log database (see {@link LogDatabaseStats}).
     *
     * @param path its file
     * @param logged lines written
     * @param pending lines waiting to be written
     * @param dropped lines refused on a full queue
     * @param failed lines given up after the database refused them
     * @param lastWrite when a batch was last committed, ISO-8601
     * @param fileSizeBytes size of the file
     * @param walSizeBytes size of its write-ahead log
     * @param lastError the last write or clean-up error
     */
    public record LogDatabaseDescriptor(
            @Nullable String path,
            long logged,
            long pending,
            long dropped,
            long failed,
            @Nullable String lastWrite,
            long fileSizeBytes,
            long walSizeBytes,
            @JsonInclude(Include.NON_NULL) @Nullable String lastError) {

        static LogDatabaseDescriptor of(LogDatabaseStats stats) {
            return new LogDatabaseDescriptor(
                    stats.path(),
                    stats.logged(),
                    stats.pending(),
                    stats.dropped(),
                    stats.failed(),
                    text(stats.lastWrite()),
                    stats.fileSizeBytes(),
                    stats.walSizeBytes(),
                    stats.lastError());
        }
    }

    /**
     * The answer to {@code POST /actuator/dblocks}.
     *
     * @param flushed rows written
     * @param error why a batch could not be written; its rows stay pending
     * @param message why nothing was flushed, when the application has no write buffer
     */
    public record FlushDescriptor(
            long flushed,
            @JsonInclude(Include.NON_NULL) @Nullable String error,
            @JsonInclude(Include.NON_NULL) @Nullable String message) {}
}
