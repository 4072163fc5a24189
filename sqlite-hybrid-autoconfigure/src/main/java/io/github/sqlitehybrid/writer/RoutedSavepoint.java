package io.github.sqlitehybrid.writer;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A JDBC savepoint of a {@link RoutingConnection}, named in SQL by an id of the connection's own so that the
 * application's name never reaches the SQL.
 *
 * @param number the savepoint's JDBC id
 * @param name the name the application gave it, if any
 * @param id the name used in {@code SAVEPOINT}, {@code ROLLBACK TO} and {@code RELEASE}
 */
record RoutedSavepoint(int number, @Nullable String name, String id) implements Savepoint {

    @Override
    public int getSavepointId() throws SQLException {
        if (this.name != null) {
            throw new SQLException("A named savepoint has no id");
        }
        return this.number;
    }

    @Override
    public String getSavepointName() throws SQLException {
        if (this.name == null) {
            throw new SQLException("An unnamed savepoint has no name");
        }
        return this.name;
    }

    @Override
    public String toString() {
        return (this.name != null) ? this.name : this.id.toLowerCase(Locale.ROOT);
    }
}
