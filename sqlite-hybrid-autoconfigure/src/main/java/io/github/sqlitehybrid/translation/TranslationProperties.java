package io.github.sqlitehybrid.translation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Translation between SQLite and what JDBC callers expect: result codes given the JDBC 4 types and SQLStates that
 * Spring and Hibernate translate, and dates and times stored and read in one format.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.translation")
public class TranslationProperties {

    /**
     * Whether errors from the application's SQLite DataSource get JDBC 4 types and SQLStates (a UNIQUE violation
     * becomes a DuplicateKeyException, a lock error a CannotAcquireLockException), and dates held as text are read.
     */
    private boolean enabled = true;

    /**
     * How the dates and times the application binds are stored: as sqlite-jdbc stores them (epoch milliseconds by
     * default), or as ISO-8601 text, the format of SQL scripts and of SQLite's date functions.
     */
    private DateFormat dateFormat = DateFormat.DRIVER;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public DateFormat getDateFormat() {
        return this.dateFormat;
    }

    public void setDateFormat(DateFormat dateFormat) {
        this.dateFormat = dateFormat;
    }
}
