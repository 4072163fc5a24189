package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A seconds-long run of the backup benchmark: every row is there, and no writer met an error. */
class BackupBenchmarkTests {

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void printsARowPerMethodAndTheWritersMeetNoError() throws Exception {
        String table = new BackupBenchmark(this.directory, 10).run(2, 1);
        assertThat(table).contains("| SqliteBackups (VACUUM INTO) | 4 |").contains("| online backup API | 0 |");
        assertThat(table.lines().filter((line) -> line.startsWith("| SqliteBackups") || line.startsWith("| online")))
                .hasSize(3)
                .allSatisfy((row) -> assertThat(row.split("\\|")[6].trim())
                        .as("writer errors in %s", row)
                        .isEqualTo("0"));
    }
}
