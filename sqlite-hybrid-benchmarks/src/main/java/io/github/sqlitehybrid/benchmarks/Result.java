package io.github.sqlitehybrid.benchmarks;

import java.util.Arrays;

/**
 * What one variant did at one thread count. {@code lostRaces} counts claims whose UPDATE found the job already
 * taken by another worker and that went on to the next queued job (not errors: the operation still succeeded).
 */
record Result(
        Workload workload,
        Variant variant,
        int threads,
        int succeeded,
        int errors,
        long lostRaces,
        long wallNanos,
        long[] latencies) {

    double opsPerSecond() {
        return this.succeeded / (this.wallNanos / 1e9);
    }

    double percentileMillis(double percentile) {
        if (this.latencies.length == 0) {
            return 0;
        }
        long[] sorted = this.latencies.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }

    double maxMillis() {
        return Arrays.stream(this.latencies).max().orElse(0) / 1e6;
    }
}
