package io.github.sqlitehybrid;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Reports a SQLite database whose file cannot be written where it is configured: the path, why, and what to do. */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class UnusableDatabasePathFailureAnalyzer extends AbstractFailureAnalyzer<UnusableDatabasePathException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnusableDatabasePathException cause) {
        String description = "The SQLite database '" + cause.getUrl() + "' cannot be written: " + cause.getProblem()
                + ".\n\nPath: " + cause.getPath();
        return new FailureAnalysis(description, cause.getAction(), cause);
    }
}
