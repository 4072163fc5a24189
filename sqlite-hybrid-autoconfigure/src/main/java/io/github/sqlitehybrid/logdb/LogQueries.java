package io.github.sqlitehybrid.logdb;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * The read queries behind {@link LogDatabase#recent} and {@link LogDatabase#countsByLevel}, on the shared
 * connection under the {@link LogFile}'s lock: they see lines once written.
 */
final class LogQueries {

    private static final String RECENT_SQL = "SELECT id, timestamp, level_value, logger, thread, message,"
            + " stack_trace, data FROM logs WHERE level_value >= ? ORDER BY timestamp DESC, id DESC LIMIT ?";

    private static final String COUNTS_SQL = "SELECT level_value, COUNT(*) FROM logs GROUP BY level_value";

    private final LogFile file;

    LogQueries(LogFile file) {
        this.file = file;
    }

    /** The most recent lines at or above a level, newest first; {@code limit} is 1 or more. */
    List<LogEntry> recent(int limit, Level minLevel) {
        try {
            return this.file.locked((connection) -> {
                try (PreparedStatement statement = connection.prepareStatement(RECENT_SQL)) {
                    statement.setInt(1, minLevel.toInt());
                    statement.setInt(2, limit);
                    try (ResultSet result = statement.executeQuery()) {
                        return entries(result, Math.min(limit, 1024));
                    }
                }
            });
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Reading recent log lines", RECENT_SQL, ex);
        }
    }

    /** How many lines the database holds at each level, every level present, from ERROR down to TRACE. */
    Map<Level, Long> countsByLevel() {
        Map<Level, Long> counts = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            counts.put(level, 0L);
        }
        try {
            this.file.locked((connection) -> {
                try (Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery(COUNTS_SQL)) {
                    while (result.next()) {
                        counts.merge(level(result.getInt(1)), result.getLong(2), Long::sum);
                    }
                    return counts;
                }
            });
        } catch (SQLException ex) {
            throw new UncategorizedSQLException("Counting log lines by level", COUNTS_SQL, ex);
        }
        return new LinkedHashMap<>(counts);
    }

    private static List<LogEntry> entries(ResultSet result, int expected) throws SQLException {
        List<LogEntry> entries = new ArrayList<>(expected);
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
        return entries;
    }

    private static Level level(int value) {
        for (Level level : Level.values()) {
            if (level.toInt() == value) {
                return level;
            }
        }
        return Level.TRACE;
    }
}
