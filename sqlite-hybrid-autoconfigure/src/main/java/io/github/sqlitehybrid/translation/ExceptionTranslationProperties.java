package io.github.sqlitehybrid.translation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Exception translation: SQLite's result codes given the JDBC 4 types and SQLStates that Spring and Hibernate
 * translate into their exception hierarchies.
 */
@ConfigurationProperties("sqlite.hybrid.exception-translation")
public class ExceptionTranslationProperties {

    /**
     * Whether errors from the application's SQLite DataSource get JDBC 4 types and SQLStates, so that a UNIQUE
     * violation is a DuplicateKeyException, a lock error a CannotAcquireLockException, and so on.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
