package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/** What a user reads when the starter stops startup: the report of one of its failure analyzers. */
public final class StartupFailureReports {

    private StartupFailureReports() {}

    /**
     * The report of a context that must have failed to start because of a {@code sqlite.hybrid.*} value.
     * @param context a context that failed
     * @return the report's description, then its action
     */
    public static String reportOf(AssertableApplicationContext context) {
        return reportOf(context, new SqliteHybridPropertyFailureAnalyzer());
    }

    /**
     * The report the given analyzer makes of a context that must have failed to start.
     * @param context a context that failed
     * @param analyzer the analyzer that must recognise the failure
     * @return the report's description, then its action
     */
    public static String reportOf(AssertableApplicationContext context, FailureAnalyzer analyzer) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
        assertThat(analysis)
                .as("failure analysis of %s", context.getStartupFailure())
                .isNotNull();
        return analysis.getDescription() + "\n" + analysis.getAction();
    }
}
