package io.github.sqlitehybrid.quartz;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Quartz's JDBC job store on SQLite: the driver delegate and lock handler the starter sets.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.quartz")
public class SqliteQuartzProperties {

    /**
     * Whether Quartz's JDBC job store on a SQLite database gets a driver delegate and a lock handler that
     * work on SQLite, where spring.quartz.properties does not name its own.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
