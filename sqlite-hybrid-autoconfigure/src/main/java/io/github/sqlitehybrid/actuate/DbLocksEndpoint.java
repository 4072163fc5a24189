package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseStats;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector.DatabaseState;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.retry.LockStatistics.LockEvent;
import io.github.sqlitehybrid.retry.LockStatistics.Snapshot;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/dblocks}: what lock errors happened and what the database looks like now.
 *
 * <p>The answer holds a {@code retry} section (calls, lock errors, retries, recoveries, failures, failure
 * rate, backoff waits, the last lock event, lock errors per minute over the last five minutes, and the
 * same per method under {@code methods}) and a {@code database} section (product, file path, journal mode,
 * the PRAGMAs read back from a live connection, WAL file size in bytes). With a {@link LogDatabase}, a
 * {@code logDatabase} section adds its figures (lines logged, pending, dropped and failed, last write, file
 * sizes).
 */
@Endpoint(id = "dblocks")
public class DbLocksEndpoint {

    private final LockStatistics statistics;

    private final @Nullable SqliteDatabaseInspector inspector;

    private final @Nullable LogDatabase logDatabase;

    /**
     * Create a new endpoint.
     * @param statistics figures of calls retried on lock errors
     * @param inspector reads the database's state, {@code null} when the application has no DataSource
     */
    public DbLocksEndpoint(LockStatistics statistics, @Nullable SqliteDatabaseInspector inspector) {
        this(statistics, inspector, null);
    }

    /**
     * Create a new endpoint that also reports on the log database.
     * @param statistics figures of calls retried on lock errors
     * @param inspector reads the database's state, {@code null} when the application has no DataSource
     * @param logDatabase the log database, {@code null} when it is not enabled
     */
    public DbLocksEndpoint(
            LockStatistics statistics, @Nullable SqliteDatabaseInspector inspector, @Nullable LogDatabase logDatabase) {
        this.statistics = statistics;
        this.inspector = inspector;
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
        if (this.logDatabase != null) {
            report.put("logDatabase", logDatabase(this.logDatabase.stats()));
        }
        return report;
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

    private static Map<String, Object> describe(Snapshot snapshot) {
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
