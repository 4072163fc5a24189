package io.github.sqlitehybrid.actuate;

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
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/dblocks}: what lock errors happened and what the database looks like now.
 *
 * <p>The answer holds a {@code retry} section (calls, lock errors, retries, recoveries, failures, failure
 * rate, backoff waits, the last lock event, lock errors per minute over the last five minutes, and the
 * same per method under {@code methods}) and a {@code database} section (product, file path, journal mode,
 * the PRAGMAs read back from a live connection, WAL file size in bytes). Each further part of the starter
 * that the application has adds its own: {@code writer} (the single writer's write turn: who holds it, how
 * many wait, waits and holds, and the time taken to get SQLite's own write lock, which shows waits for other
 * processes), {@code groupCommit}, {@code writeBuffer} and {@code logDatabase}.
 *
 * <p>{@code POST /actuator/dblocks} flushes the write buffer at once and answers {@code {"flushed": N}}.
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
     * @return sections by name
     */
    @ReadOperation
    public Map<String, Object> dblocks() {
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> retry = describe(this.statistics.totals());
        Map<String, Object> methods = new LinkedHashMap<>();
        this.statistics.operations().forEach((name, snapshot) -> methods.put(name, describe(snapshot)));
        retry.put("methods", methods);
        report.put("retry", retry);
        if (this.inspector != null) {
            report.put("database", database(this.inspector));
        }
        if (this.writeTurn != null) {
            report.put("writer", writer(this.writeTurn.stats()));
        }
        if (this.groupCommitWriter != null) {
            report.put("groupCommit", groupCommit(this.groupCommitWriter.stats()));
        }
        if (this.writeBuffer != null) {
            report.put("writeBuffer", writeBuffer(this.writeBuffer.stats()));
        }
        if (this.logDatabase != null) {
            report.put("logDatabase", logDatabase(this.logDatabase.stats()));
        }
        return report;
    }

    /**
     * Flush the write buffer now.
     * @return {@code flushed}: the rows written; with {@code error} when a batch could not be written (its rows
     *     stay pending), or {@code message} when the application has no write buffer
     */
    @WriteOperation
    public Map<String, Object> flush() {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (this.writeBuffer == null) {
            answer.put("flushed", 0);
            answer.put(
                    "message",
                    "No write buffer: it needs a SQLite DataSource and sqlite.hybrid.write-buffer.enabled=true");
            return answer;
        }
        try {
            answer.put("flushed", this.writeBuffer.flush());
        } catch (WriteBufferFlushException ex) {
            answer.put("flushed", ex.getRowsWritten());
            answer.put("error", ex.getMessage());
        }
        return answer;
    }

    private static Map<String, Object> logDatabase(LogDatabaseStats stats) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("path", stats.path());
        section.put("logged", stats.logged());
        section.put("pending", stats.pending());
        section.put("dropped", stats.dropped());
        section.put("failed", stats.failed());
        section.put("lastWrite", (stats.lastWrite() != null) ? stats.lastWrite().toString() : null);
        section.put("fileSizeBytes", stats.fileSizeBytes());
        section.put("walSizeBytes", stats.walSizeBytes());
        if (stats.lastError() != null) {
            section.put("lastError", stats.lastError());
        }
        return section;
    }

    private static Map<String, Object> writer(WriterStats stats) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("holder", stats.holder());
        section.put("waiting", stats.waiting());
        section.put("acquisitions", stats.acquisitions());
        section.put("timeouts", stats.timeouts());
        section.put("longTransactions", stats.longTransactions());
        section.put("avgWaitMs", stats.avgWaitMs());
        section.put("maxWaitMs", stats.maxWaitMs());
        section.put("avgHoldMs", stats.avgHoldMs());
        section.put("maxHoldMs", stats.maxHoldMs());
        section.put("locks", stats.locks());
        section.put("lockFailures", stats.lockFailures());
        section.put("totalLockWaitMs", stats.totalLockWaitMs());
        section.put("avgLockWaitMs", stats.avgLockWaitMs());
        section.put("maxLockWaitMs", stats.maxLockWaitMs());
        return section;
    }

    private static Map<String, Object> groupCommit(GroupCommitStats stats) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("committedUnits", stats.committedUnits());
        section.put("failedUnits", stats.failedUnits());
        section.put("rejectedUnits", stats.rejectedUnits());
        section.put("groups", stats.groups());
        section.put("failedGroups", stats.failedGroups());
        section.put("meanGroupSize", stats.meanGroupSize());
        section.put("largestGroup", stats.largestGroup());
        section.put("queued", stats.queued());
        section.put("meanQueueWaitMs", stats.meanQueueWaitMillis());
        section.put("meanCommitMs", stats.meanCommitMillis());
        section.put("maxCommitMs", stats.maxCommitMillis());
        return section;
    }

    private static Map<String, Object> writeBuffer(WriteBufferStats stats) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("pending", stats.pending());
        section.put("pendingByTable", stats.pendingByTable());
        section.put("buffered", stats.buffered());
        section.put("coalesced", stats.coalesced());
        section.put("flushed", stats.flushed());
        section.put("failed", stats.failed());
        section.put("flushes", stats.flushes());
        section.put(
                "lastFlushTime",
                (stats.lastFlushTime() != null) ? stats.lastFlushTime().toString() : null);
        section.put(
                "lastFlushDurationMs",
                (stats.lastFlushDuration() != null) ? stats.lastFlushDuration().toNanos() / 1e6 : null);
        section.put("lastFlushError", stats.lastFlushError());
        section.put("deadLetters", stats.deadLetters());
        section.put(
                "recentDeadLetters",
                stats.recentDeadLetters().stream()
                        .map(DbLocksEndpoint::deadLetter)
                        .toList());
        return section;
    }

    private static Map<String, Object> deadLetter(DeadLetter deadLetter) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("time", deadLetter.time().toString());
        described.put("table", deadLetter.table());
        described.put("operation", deadLetter.operation());
        described.put("key", deadLetter.key());
        described.put("values", deadLetter.values());
        described.put("error", deadLetter.error());
        return described;
    }

    private static Map<String, Object> describe(DbRetryStats snapshot) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("calls", snapshot.calls());
        section.put("lockErrors", snapshot.lockErrors());
        section.put("retries", snapshot.retries());
        section.put("recoveries", snapshot.recoveries());
        section.put("failures", snapshot.failures());
        section.put("failureRate", snapshot.failureRate());
        section.put("avgWaitMs", snapshot.avgWaitMs());
        section.put("maxWaitMs", snapshot.maxWaitMs());
        section.put("lastLockEvent", lockEvent(snapshot.lastLockEvent()));
        if (snapshot.lockErrorsPerMinute() != null) {
            section.put("lockErrorsPerMinute", snapshot.lockErrorsPerMinute());
        }
        section.put("outcomes", snapshot.outcomes());
        section.put("lockErrorCodes", snapshot.lockErrorCodes());
        return section;
    }

    private static @Nullable Map<String, Object> lockEvent(@Nullable LockEvent event) {
        if (event == null) {
            return null;
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("time", event.time().toString());
        described.put("method", event.operation());
        described.put("code", event.code());
        return described;
    }

    private static Map<String, Object> database(SqliteDatabaseInspector inspector) {
        Map<String, Object> section = new LinkedHashMap<>();
        try {
            DatabaseState state = inspector.inspect();
            section.put("product", state.product());
            section.put("version", state.version());
            if (state.isSqlite()) {
                section.put("path", state.path());
                section.put("journalMode", state.journalMode());
                section.put("pragmas", state.pragmas());
                section.put("walSizeBytes", state.walSizeBytes());
            }
        } catch (SQLException ex) {
            section.put("error", ex.getMessage());
        }
        return section;
    }
}
