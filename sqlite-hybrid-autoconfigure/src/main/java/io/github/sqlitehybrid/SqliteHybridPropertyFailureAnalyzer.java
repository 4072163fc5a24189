package io.github.sqlitehybrid;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a bad {@code sqlite.hybrid.*} value at startup: the property, the value, why it was refused and
 * what is allowed. Covers the starter's own checks ({@link InvalidSqliteHybridPropertyException}) and
 * values Boot could not bind (an unknown enum constant, a malformed duration, a setter's refusal), so
 * every mistake under the prefix reads the same way.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class SqliteHybridPropertyFailureAnalyzer implements FailureAnalyzer {

    private static final String PREFIX = "sqlite.hybrid.";

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = nextCause(cause)) {
            if (cause instanceof InvalidSqliteHybridPropertyException invalid) {
                return analysis(
                        invalid.getProperty(), invalid.getValue(), invalid.getReason(), invalid.getAllowed(), invalid);
            }
            if (cause instanceof BindException bind && bind.getName().toString().startsWith(PREFIX)) {
                // The property that failed: a setter's refusal is reported against the whole bean otherwise.
                ConfigurationProperty property = bind.getProperty();
                Object value = (property != null) ? property.getValue() : null;
                String name = (property != null && property.getName().toString().startsWith(PREFIX))
                        ? property.getName().toString()
                        : bind.getName().toString();
                Throwable reason = (bind.getCause() != null) ? rootCause(bind.getCause()) : bind;
                return analysis(name, value, reason.getMessage(), allowedValues(bind), bind);
            }
        }
        return null;
    }

    private static @Nullable Throwable nextCause(Throwable failure) {
        Throwable next = failure.getCause();
        return (next != failure) ? next : null;
    }

    private static FailureAnalysis analysis(
            String property, @Nullable Object value, @Nullable String reason, List<String> allowed, Throwable cause) {
        StringBuilder description = new StringBuilder()
                .append("Invalid value '")
                .append(value)
                .append("' for property '")
                .append(property)
                .append("'.\n\nReason: ")
                .append(reason);
        if (!allowed.isEmpty()) {
            description.append("\n\nAllowed values: ").append(String.join(", ", allowed));
        }
        String action = "Update '" + property + "' in your application's configuration"
                + (allowed.isEmpty() ? "." : " to one of: " + String.join(", ", allowed) + ".");
        return new FailureAnalysis(description.toString(), action, cause);
    }

    private static List<String> allowedValues(BindException bind) {
        Class<?> type = bind.getTarget().getType().resolve(Object.class);
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants())
                    .map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
                    .toList();
        }
        return List.of();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable candidate = failure;
        for (Throwable next = nextCause(candidate); next != null; next = nextCause(next)) {
            candidate = next;
        }
        return candidate;
    }
}
