package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.benchmarks.GroupCommitBenchmark.Result;
import io.github.sqlitehybrid.benchmarks.GroupCommitBenchmark.Workload;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long run of the group commit benchmark so the build keeps it working. It asserts what every run must
 * show, whatever the machine: the serial thread and the group commit writer do every operation without an error
 * (the benchmark itself fails a run whose rows differ from the operations done), and the table has a row for each
 * configuration. Figures are not asserted.
 */
class GroupCommitBenchmarkTests {

    private static final List<String> MODES =
            List.of("serial thread ", "serial thread, no gen. keys ", "group commit ", "group commit, no stmt cache ");

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void serialThreadAndGroupCommitRunBothWorkloadsWithoutErrors() throws Exception {
        GroupCommitBenchmark benchmark = new GroupCommitBenchmark(400, this.directory);
        for (Workload workload : Workload.values()) {
            for (Result result : List.of(
                    benchmark.serial(workload, true),
                    benchmark.serial(workload, false),
                    benchmark.groupCommit(workload, 16, 64),
                    benchmark.groupCommit(workload, 16, 0))) {
                assertThat(result.errors).as(result.key()).isZero();
                assertThat(result.operations).as(result.key()).isEqualTo(400);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void printsATableWithARowForEveryConfigurationOfBothWorkloads() throws Exception {
        String table = GroupCommitBenchmark.run(this.directory, 200, 1);
        assertThat(table).contains("Group commit benchmark: 200 operations per configuration, 1 rounds");
        assertThat(table)
                .contains("ops/s")
                .contains("p99 ms")
                .contains("x serial")
                .contains("writer us");
        // Per workload: the serial thread twice, the writer at 4, 16 and 64 threads, and without its cache.
        for (String workload : List.of("insert ", "claim ")) {
            List<String> rows =
                    table.lines().filter((line) -> line.startsWith(workload)).toList();
            assertThat(rows).as(workload).hasSize(6);
            for (String mode : MODES) {
                assertThat(rows)
                        .as(workload)
                        .anySatisfy((row) -> assertThat(row).contains(mode));
            }
        }
    }
}
