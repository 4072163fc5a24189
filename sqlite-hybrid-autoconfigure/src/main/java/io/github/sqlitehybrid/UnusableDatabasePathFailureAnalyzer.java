package io.github.sqlitehybrid;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Reports a SQLite database whose file cannot be written where it is configured: the path, why, and what to do. */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class UnusableDatabasePathFailureAnalyzer implements FailureAnalyzer {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
            if (cause instanceof UnusableDatabasePathException unusable) {
                String description = "The SQLite database '" + unusable.getUrl() + "' cannot be written: "
                        + unusable.getProblem() + ".\n\nPath: " + unusable.getPath();
                return new FailureAnalysis(description, unusable.getAction(), unusable);
            }
        }
        return null;
    }
}
