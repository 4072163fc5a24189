package io.github.sqlitehybrid.actuate;

import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector.DatabaseState;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the SQLite database: UP when it answers and the journal mode in effect is the one configured,
 * DOWN with the reason otherwise. A file system where WAL cannot work (some network or container file
 * systems) silently leaves the database in {@code delete} mode; this is where that shows.
 *
 * <p>Details: {@code path}, {@code journalMode}, {@code walSizeBytes}. An in-memory database has no WAL
 * and is UP in {@code memory} mode.
 *
 * @since 0.1.0
 */
public final class SqliteHealthIndicator extends AbstractHealthIndicator {

    private final SqliteDatabaseInspector inspector;

    /**
     * Create a new indicator.
     * @param inspector reads the database's state
     */
    public SqliteHealthIndicator(SqliteDatabaseInspector inspector) {
        super("SQLite health check failed");
        this.inspector = inspector;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        DatabaseState state = this.inspector.inspect();
        builder.withDetail("product", state.product());
        if (!state.isSqlite()) {
            builder.up();
            return;
        }
        SqlitePragmas.Pragma configured = this.inspector.getPragmas().get("journal_mode");
        String expected = (configured != null) ? String.valueOf(configured.expected()) : null;
        String actual = state.journalMode();
        if (state.path() != null) {
            builder.withDetail("path", state.path());
        }
        if (actual != null) {
            builder.withDetail("journalMode", actual);
        }
        if (state.walSizeBytes() != null) {
            builder.withDetail("walSizeBytes", state.walSizeBytes());
        }
        boolean inMemory = state.path() == null && "memory".equalsIgnoreCase(actual);
        if (expected == null || expected.equalsIgnoreCase(actual) || inMemory) {
            builder.up();
        } else {
            builder.down()
                    .withDetail("expectedJournalMode", expected)
                    .withDetail(
                            "reason",
                            "journal mode in effect is '" + actual + "' but '" + expected
                                    + "' is configured (sqlite.hybrid.pragmas.journal-mode); the file system may not"
                                    + " support it");
        }
    }
}
