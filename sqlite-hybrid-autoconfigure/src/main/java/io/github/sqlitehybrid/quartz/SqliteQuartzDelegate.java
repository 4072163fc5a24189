package io.github.sqlitehybrid.quartz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;

/**
 * Quartz's standard driver delegate, reading serialized job data, calendars and triggers with
 * {@link ResultSet#getBytes(String)}: sqlite-jdbc does not implement {@link ResultSet#getBlob(String)}, which
 * {@link StdJDBCDelegate} uses. Set as {@code org.quartz.jobStore.driverDelegateClass} by
 * {@link SqliteQuartzAutoConfiguration}.
 *
 * @since 0.1.0
 */
public final class SqliteQuartzDelegate extends StdJDBCDelegate {

    /** Created by Quartz from its {@code driverDelegateClass} setting. */
    public SqliteQuartzDelegate() {}

    @Override
    protected @Nullable Object getObjectFromBlob(ResultSet rs, String colName)
            throws ClassNotFoundException, IOException, SQLException {
        byte[] bytes = rs.getBytes(colName);
        // An empty value is what Quartz writes for "no data", as the standard delegate reads it.
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Override
    protected @Nullable Object getJobDataFromBlob(ResultSet rs, String colName)
            throws ClassNotFoundException, IOException, SQLException {
        if (!canUseProperties()) {
            return getObjectFromBlob(rs, colName);
        }
        // With useProperties=true job data is stored as java.util.Properties text; Quartz loads it from a stream.
        byte[] bytes = rs.getBytes(colName);
        return (bytes != null) ? new ByteArrayInputStream(bytes) : null;
    }
}
