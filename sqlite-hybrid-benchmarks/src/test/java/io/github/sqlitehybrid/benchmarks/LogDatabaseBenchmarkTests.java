package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.github.sqlitehybrid.benchmarks.LogDatabaseBenchmark.LogDatabaseResult;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A seconds-long run of the log database benchmark so the build keeps it working. It asserts what every run
 * must show, whatever the machine: with a queue that holds the whole burst every line is written and none is
 * dropped, and with a small queue every line is written or dropped (counted), none lost. Figures are not
 * asserted.
 */
class LogDatabaseBenchmarkTests {

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aQueueThatHoldsTheBurstWritesEveryLineAndDropsNone() throws Exception {
        LogDatabaseResult result =
                LogDatabaseBenchmark.logDatabase(context(), this.directory.resolve("logs.db"), 4, 500, 2_000, 50);
        assertThat(result.logged()).isEqualTo(2_000);
        assertThat(result.dropped()).isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSmallQueueWritesOrDropsEveryLine() throws Exception {
        LogDatabaseResult result =
                LogDatabaseBenchmark.logDatabase(context(), this.directory.resolve("small.db"), 4, 500, 16, 4);
        assertThat(result.logged() + result.dropped()).isEqualTo(2_000);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void printsEveryRowAndTheDefaultQueueLine() throws Exception {
        String report = LogDatabaseBenchmark.run(this.directory, 2, 200, 1);
        assertThat(report)
                .contains("2 threads x 200 lines (400), median of 1 rounds")
                .contains("log database, written (end to end)")
                .contains("log database, logging calls returned")
                .contains("log database, max-batch-size=500")
                .contains("Logback FileAppender")
                .contains("one INSERT per line, main database")
                .contains("with the default queue (8192 lines), each 400-line burst")
                .contains("400 written, 0 dropped (counted)");
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
