package io.github.sqlitehybrid;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code sqlite.hybrid.*} property holds a value the starter cannot use. Thrown at startup, before
 * any value reaches SQL; {@link SqliteHybridPropertyFailureAnalyzer} turns it into a report naming the
 * property, the bad value and what is allowed.
 *
 * @since 0.1.0
 */
public final class InvalidSqliteHybridPropertyException extends RuntimeException {

    private final String property;

    private final @Nullable Object value;

    private final String reason;

    private final List<String> allowed;

    /**
     * Create a new exception.
     * @param property full name of the property at fault, such as {@code sqlite.hybrid.pragmas.busy-timeout}
     * @param value the value that was refused
     * @param reason why it was refused
     * @param allowed the values or the form that would be accepted
     */
    public InvalidSqliteHybridPropertyException(
            String property, @Nullable Object value, String reason, List<String> allowed) {
        super("Invalid value '" + value + "' for property '" + property + "': " + reason
                + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")"));
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.allowed = List.copyOf(allowed);
    }

    /**
     * Full name of the property at fault.
     * @return the property name
     */
    public String getProperty() {
        return this.property;
    }

    /**
     * The refused value.
     * @return the value, or {@code null} when none was given
     */
    public @Nullable Object getValue() {
        return this.value;
    }

    /**
     * Why the value was refused.
     * @return the reason
     */
    public String getReason() {
        return this.reason;
    }

    /**
     * Values, or forms of value, that the property accepts.
     * @return the allowed values, possibly empty
     */
    public List<String> getAllowed() {
        return this.allowed;
    }
}
