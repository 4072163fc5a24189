package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/** The few statements the single writer runs itself on a physical connection, to control its transactions. */
final class PhysicalSql {

    private static final int SQL_SHOWN = 80;

    private PhysicalSql() {}

    static void run(Connection physical, String sql) throws SQLException {
        try (Statement statement = physical.createStatement()) {
            statement.execute(sql);
        }
    }

    /** SQLite's {@code data_version}: it changes when another connection commits a write to the database. */
    static long dataVersion(Connection physical) throws SQLException {
        try (Statement statement = physical.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether SQLite has a transaction open on the connection: only outside one does a {@code BEGIN} succeed. */
    static boolean inTransaction(Connection physical) {
        try (Statement probe = physical.createStatement()) {
            probe.execute("BEGIN");
            probe.execute("ROLLBACK");
            return false;
        } catch (SQLException ex) {
            return true;
        }
    }

    /**
     * What an execute method returns for a statement the single writer carried out instead of running it.
     * @throws SQLException for a method that expects a result set
     */
    static Object noResult(java.lang.reflect.Method method) throws SQLException {
        Class<?> type = method.getReturnType();
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == int[].class) {
            return new int[0];
        }
        if (type == long[].class) {
            return new long[0];
        }
        throw new SQLException("COMMIT and ROLLBACK return no result set");
    }

    /** A statement's SQL on one line and cut short, for messages and the write turn's holder. */
    static String describe(@Nullable String sql) {
        if (sql == null) {
            return "a batch";
        }
        String line = sql.strip().replaceAll("\\s+", " ");
        return "'" + ((line.length() > SQL_SHOWN) ? line.substring(0, SQL_SHOWN) + "..." : line) + "'";
    }
}
