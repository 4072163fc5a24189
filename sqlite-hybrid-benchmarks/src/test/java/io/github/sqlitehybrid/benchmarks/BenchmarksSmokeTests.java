package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long run of the benchmark so the build keeps it working. It asserts what every run must show,
 * whatever the machine: the single writer and group commit lose no operation and meets no error. Figures are not asserted.
 */
class BenchmarksSmokeTests {

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void singleWriterAndGroupCommitRunBothWorkloadsWithoutErrors() throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(this.directory, 400);
        for (Workload workload : Workload.values()) {
            for (Variant variant : new Variant[] {Variant.SINGLE_WRITER, Variant.GROUP_COMMIT}) {
                Result result = benchmark.run(workload, variant, 16);
                assertThat(result.errors()).as(variant.title()).isZero();
                assertThat(result.succeeded()).as(variant.title()).isEqualTo(400);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void printsATableWithEveryVariant() throws Exception {
        String table = Benchmarks.run(this.directory, 200, 4);
        for (Variant variant : Variant.values()) {
            assertThat(table).contains(variant.title());
        }
        assertThat(table)
                .contains("single-row insert")
                .contains("read-then-write claim")
                .contains("p99");
    }
}
