package io.github.sqlitehybrid.sample;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a job is in its life: queued, then running, then completed or failed. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED;

    /**
     * The value stored in the {@code jobs.status} column and shown in JSON.
     * @return the lower-case name
     */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status stored as the given value.
     * @param value a {@code jobs.status} value
     * @return the status
     */
    public static JobStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
