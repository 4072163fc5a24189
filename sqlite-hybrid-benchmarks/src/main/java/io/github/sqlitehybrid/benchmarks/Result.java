package io.github.sqlitehybrid.benchmarks;

import java.util.Arrays;

/**
 * What one variant did at one thread count in one round. {@code succeeded}, {@code errors} and
 * {@code latencies} count the writing operations; {@code reads} and {@code readLatencies} the read-only
 * transactions of a mixed workload (none otherwise). {@code lostRaces} counts claims whose UPDATE found the job
 * already taken by another worker and that went on to the next queued job (not errors: the operation still
 * succeeded).
 */
record Result(
        Workload workload,
        Variant variant,
        int threads,
        int succeeded,
        int errors,
        long lostRaces,
        long wallNanos,
        long[] latencies,
        int reads,
        long[] readLatencies) {

    Result(
            Workload workload,
            Variant variant,
            int threads,
            int succeeded,
            int errors,
            long lostRaces,
            long wallNanos,
            long[] latencies) {
        this(workload, variant, threads, succeeded, errors, lostRaces, wallNanos, latencies, 0, new long[0]);
    }

    double opsPerSecond() {
        return this.succeeded / (this.wallNanos / 1e9);
    }

    double readsPerSecond() {
        return this.reads / (this.wallNanos / 1e9);
    }

    double percentileMillis(double percentile) {
        return percentileMillis(this.latencies, percentile);
    }

    double readPercentileMillis(double percentile) {
        return percentileMillis(this.readLatencies, percentile);
    }

    double maxMillis() {
        return Arrays.stream(this.latencies).max().orElse(0) / 1e6;
    }

    private static double percentileMillis(long[] latencies, double percentile) {
        if (latencies.length == 0) {
            return 0;
        }
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }
}
