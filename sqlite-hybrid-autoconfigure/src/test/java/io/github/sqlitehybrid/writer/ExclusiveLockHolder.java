package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Another process that holds a SQLite database's write lock: run in its own JVM by
 * {@link OtherProcessHoldsTheLockTests}. Opens the file, runs {@code BEGIN EXCLUSIVE}, prints
 * {@value #LOCKED} on a line of its own, holds the lock for the given milliseconds, commits and exits.
 */
public final class ExclusiveLockHolder {

    /** The line printed once the lock is held. */
    public static final String LOCKED = "LOCKED";

    private ExclusiveLockHolder() {}

    /**
     * Hold the lock.
     * @param args the database file, then how long to hold the lock in milliseconds
     * @throws Exception when the database cannot be opened or locked
     */
    public static void main(String[] args) throws Exception {
        String file = args[0];
        long holdMillis = Long.parseLong(args[1]);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            // Wait as long as it takes for the application's current transaction to end.
            statement.execute("PRAGMA busy_timeout = 60000");
            statement.execute("BEGIN EXCLUSIVE");
            System.out.println(LOCKED);
            System.out.flush();
            Thread.sleep(holdMillis);
            statement.execute("COMMIT");
        }
    }
}
