package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.PostgresDatabases;
import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.Result;
import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.SqliteFiles;
import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.Target;
import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.Variant;
import io.github.sqlitehybrid.benchmarks.WriteBufferBenchmark.Workload;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs every variant on a small workload so the build keeps the benchmark working; asserts no timing. */
@Timeout(120)
class WriteBufferBenchmarkTests {

    @Test
    void everyVariantWritesAllItsRowsOnSqlite() throws Exception {
        everyVariantWritesAllItsRows(new SqliteFiles());
    }

    @Test
    void everyVariantWritesAllItsRowsOnPostgres() throws Exception {
        everyVariantWritesAllItsRows(new PostgresDatabases(LocalPostgres.assumeAvailable()));
    }

    private static void everyVariantWritesAllItsRows(Target target) throws Exception {
        assertThat(target.describe()).isNotBlank();
        for (Workload workload :
                new Workload[] {Workload.distinct(1_000, 1), Workload.ascending(1_000), Workload.repeated(1_000, 10, 2)
                }) {
            for (Variant variant : Variant.values()) {
                // run() checks that every key holds the value of its last call.
                Result result = variant.run(workload, target);
                assertThat(result.rows()).as(variant.name()).isEqualTo(workload.distinctKeys());
                assertThat(result.upserts()).isEqualTo(1_000);
            }
        }
    }
}
