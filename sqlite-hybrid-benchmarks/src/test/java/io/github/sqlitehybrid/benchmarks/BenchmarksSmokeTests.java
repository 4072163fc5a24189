package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seconds-long run of the benchmark so the build keeps it working. It asserts what every run must show,
 * whatever the machine: the single writer and group commit lose no operation and meets no error, and on
 * PostgreSQL every claim gets a job of its own. Figures are not asserted.
 */
class BenchmarksSmokeTests {

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void singleWriterWithAndWithoutCoalescingAndGroupCommitRunEveryWorkloadWithoutErrors() throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(this.directory, 400);
        for (Workload workload : Workload.values()) {
            for (Variant variant : new Variant[] {Variant.SINGLE_WRITER, Variant.COALESCING, Variant.GROUP_COMMIT}) {
                Result result = benchmark.run(workload, variant, 16);
                assertThat(result.errors()).as(variant.title()).isZero();
                // A mixed workload's fifth operation is a claim, the others read-only transactions.
                int writes = (workload == Workload.MIXED) ? 400 / 5 : 400;
                assertThat(result.succeeded()).as(variant.title()).isEqualTo(writes);
                assertThat(result.reads()).as(variant.title()).isEqualTo(400 - writes);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void thePeersWithoutTheStarterCompleteTheirOperationsUnderBothSynchronousModesInOneDirectory() throws Exception {
        // Each mode numbers its runs from 1: the files of one must not collide with the other's.
        new ContentionBenchmark(this.directory, 400, null, "NORMAL").run(Workload.CLAIM, Variant.IMMEDIATE, 8);
        ContentionBenchmark benchmark = new ContentionBenchmark(this.directory, 400, null, "FULL");
        for (Variant variant :
                new Variant[] {Variant.IMMEDIATE, Variant.POOL_OF_ONE, Variant.SINGLE_WRITER, Variant.COALESCING}) {
            // The benchmark fails the run when the rows differ from the operations reported done.
            Result result = benchmark.run(Workload.CLAIM, variant, 8);
            assertThat(result.succeeded() + result.errors()).as(variant.title()).isEqualTo(400);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shortClaimsBesideALongWriteTransactionLoseNothing() throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(this.directory, 400);
        ContentionBenchmark.LongWriterRun run =
                benchmark.claimsBesideALongWriter(Variant.SINGLE_WRITER, 4, 200, Duration.ofSeconds(2));
        assertThat(run.claims().errors()).isZero();
        assertThat(run.claims().succeeded()).isPositive();
        assertThat(run.claimedRows()).isEqualTo(run.claims().succeeded());
        assertThat(run.longTransactions()).isPositive().isEqualTo(run.longTransactionRows());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void printsATableWithEverySqliteVariantWhenThereIsNoPostgresServer() throws Exception {
        String table = Benchmarks.run(this.directory, 200, null, 1, "NORMAL", 4);
        for (Variant variant : Variant.values()) {
            if (variant.postgres()) {
                assertThat(table).doesNotContain(variant.title());
            } else {
                assertThat(table).contains(variant.title());
            }
        }
        assertThat(table)
                .contains("single-row insert")
                .contains("read-then-write claim")
                .contains("mixed: 80% read-only, 20% claims")
                .contains("read p99 ms")
                .contains("vs best peer")
                .contains("goals of commit coalescing")
                .contains("beside a 200 ms write transaction once a second")
                .contains("0 errors in every setup of the starter");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void postgresClaimsTakeEveryJobOnceWithoutErrors() throws Exception {
        LocalPostgres postgres = LocalPostgres.assumeAvailable();
        ContentionBenchmark benchmark = new ContentionBenchmark(this.directory, 400, postgres);
        for (Variant variant : new Variant[] {Variant.POSTGRES_SERIAL, Variant.POSTGRES_DB_RETRY}) {
            // The benchmark itself fails the run when the claimed rows differ from the claims reported done.
            Result result = benchmark.run(Workload.CLAIM, variant, 16);
            assertThat(result.errors()).as(variant.title()).isZero();
            assertThat(result.succeeded()).as(variant.title()).isEqualTo(400);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void printsPostgresRowsForTheClaimWorkloadOnly() throws Exception {
        LocalPostgres postgres = LocalPostgres.assumeAvailable();
        String table = Benchmarks.run(this.directory, 200, postgres, 1, "NORMAL", 4);
        String insert = table.substring(table.indexOf("single-row insert"), table.indexOf("read-then-write claim"));
        String claim = table.substring(table.indexOf("read-then-write claim"), table.indexOf("mixed: 80%"));
        for (Variant variant : new Variant[] {Variant.POSTGRES_SERIAL, Variant.POSTGRES_DB_RETRY}) {
            assertThat(claim).contains(variant.title());
            assertThat(insert).doesNotContain(variant.title());
        }
    }
}
