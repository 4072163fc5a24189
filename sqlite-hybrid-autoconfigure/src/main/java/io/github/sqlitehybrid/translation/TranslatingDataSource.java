package io.github.sqlitehybrid.translation;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out its target's connections with every {@link java.sql.SQLException} that they, their statements,
 * result sets and metadata throw passed through {@link SqliteExceptionTranslation}. Placed under a connection
 * pool, it reaches every caller of the pool, including the {@code JdbcTemplate}s that libraries build for
 * themselves.
 *
 * <p>Dates and times are bound and read in its {@link DateFormat}; a date held as text that sqlite-jdbc cannot
 * parse is read all the same. {@code unwrap} still reaches the driver's own objects, such as
 * {@code org.sqlite.SQLiteConnection}.
 *
 * @since 0.1.0
 */
public final class TranslatingDataSource extends DelegatingDataSource {

    private final TemporalText temporal;

    /**
     * Create a new instance that leaves the storing of dates to the driver.
     * @param target the DataSource of SQLite connections
     */
    public TranslatingDataSource(DataSource target) {
        this(target, DateFormat.DRIVER);
    }

    /**
     * Create a new instance.
     * @param target the DataSource of SQLite connections
     * @param dateFormat how the dates and times the application binds are stored
     */
    public TranslatingDataSource(DataSource target, DateFormat dateFormat) {
        super(target);
        this.temporal = new TemporalText(dateFormat);
    }

    /**
     * How the dates and times the application binds are stored.
     * @return the date format
     */
    public DateFormat getDateFormat() {
        return this.temporal.format();
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return TranslatingProxy.connection(obtainTargetDataSource().getConnection(), this.temporal);
        } catch (SQLException ex) {
            throw SqliteExceptionTranslation.translate(ex);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return TranslatingProxy.connection(
                    obtainTargetDataSource().getConnection(username, password), this.temporal);
        } catch (SQLException ex) {
            throw SqliteExceptionTranslation.translate(ex);
        }
    }
}
