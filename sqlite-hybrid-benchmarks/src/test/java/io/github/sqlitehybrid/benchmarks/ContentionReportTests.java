package io.github.sqlitehybrid.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.sqlitehybrid.benchmarks.ContentionReport.Peer;
import org.junit.jupiter.api.Test;

/** Medians, ranges and ratios of the contention tables, on figures made up so that each answer is known. */
class ContentionReportTests {

    private final ContentionReport report = new ContentionReport("NORMAL");

    @Test
    void ratiosAreTakenWithinEachRoundAndTheirMedianReported() {
        // Round 1 runs everything twice as fast as round 2, round 3 in between: the ratio stays 3x throughout.
        for (double speed : new double[] {2, 1, 1.5}) {
            add(Variant.SERIAL, 1, 1000 * speed, 0);
            add(Variant.SINGLE_WRITER, 16, 3000 * speed, 0);
        }
        assertThat(this.report.ratio(Workload.CLAIM, Variant.SINGLE_WRITER, 16, Peer.SERIAL))
                .isCloseTo(3.0, within(1e-6));
        assertThat(this.report.median(Workload.CLAIM, Variant.SINGLE_WRITER, 16, Result::opsPerSecond))
                .isCloseTo(4500, within(0.01));
        assertThat(this.report.table(Workload.CLAIM))
                .contains("| single writer | 16 | 4500 [3000-6000] | 0 |")
                .contains("3.00x [3.00-3.00]");
    }

    @Test
    void theBestPeerIsTheFastestThatLostNoOperation() {
        add(Variant.SERIAL, 1, 1000, 0);
        add(Variant.PLAIN, 16, 5000, 12);
        add(Variant.IMMEDIATE, 16, 2000, 0);
        add(Variant.POOL_OF_ONE, 16, 2500, 0);
        add(Variant.SINGLE_WRITER, 16, 5000, 0);
        assertThat(this.report.ratio(Workload.CLAIM, Variant.SINGLE_WRITER, 16, Peer.BEST_PEER))
                .isCloseTo(2.0, within(1e-6));
        assertThat(this.report.errors(Variant.PLAIN)).isEqualTo(12);
    }

    @Test
    void theGoalsSayWhichAreMet() {
        add(Variant.SERIAL, 1, 1000, 0);
        add(Variant.POOL_OF_ONE, 16, 1000, 0);
        add(Variant.COALESCING, 16, 2500, 0);
        String goals = ContentionGoals.check(this.report, "NORMAL", 16);
        assertThat(goals)
                .contains("| read-then-write claim at 16 threads >= 2.0x the serial thread | 2.50x | yes |")
                .contains("| read-then-write claim at 16 threads >= 2.0x the best peer | 2.50x | yes |")
                .contains("| 0 errors in every setup of the starter | 0 errors | yes |")
                .doesNotContain("64 threads");
    }

    @Test
    void coalescingIsHeldToNoSlowdownAtFewThreads() {
        add(Variant.SINGLE_WRITER, 4, 1000, 0);
        add(Variant.COALESCING, 4, 900, 0);
        assertThat(ContentionGoals.check(this.report, "NORMAL", 4))
                .contains("| read-then-write claim at 4 threads no slower than the single writer without coalescing"
                        + " (>= 0.95x) | 0.90x | no |");
    }

    private void add(Variant variant, int threads, double opsPerSecond, int errors) {
        int succeeded = 1000;
        long wallNanos = Math.round(succeeded / opsPerSecond * 1e9);
        this.report.add(
                new Result(Workload.CLAIM, variant, threads, succeeded, errors, 0, wallNanos, new long[] {1_000_000}));
    }
}
