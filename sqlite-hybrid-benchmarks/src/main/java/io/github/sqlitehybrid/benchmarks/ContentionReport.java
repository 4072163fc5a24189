package io.github.sqlitehybrid.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The contention benchmark's tables: for each setup (workload, variant, threads) the median over the rounds and
 * its range, and ratios taken within each round, to the serial thread and to the best peer at the same thread
 * count (the error-free peer with the highest median throughput), so that a machine's drift between rounds
 * cancels out.
 */
final class ContentionReport {

    /** Every round's result of one setup, in round order. */
    private final Map<String, List<Result>> setups = new LinkedHashMap<>();

    private final String synchronous;

    ContentionReport(String synchronous) {
        this.synchronous = synchronous;
    }

    void add(Result result) {
        this.setups.computeIfAbsent(key(result), (key) -> new ArrayList<>()).add(result);
    }

    String table(Workload workload) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%n%s, synchronous=%s (median of %d rounds [min-max])%n",
                workload.title(),
                this.synchronous,
                rounds()));
        boolean mixed = workload == Workload.MIXED;
        out.append(
                mixed
                        ? "| variant | threads | writes/s | reads/s | errors | write p99 ms | read p99 ms | writes vs serial | vs best peer |\n"
                                + "|---|---|---|---|---|---|---|---|---|\n"
                        : "| variant | threads | ops/s | errors | p99 ms | max ms | vs serial | vs best peer |\n"
                                + "|---|---|---|---|---|---|---|---|\n");
        for (List<Result> runs : this.setups.values()) {
            Result first = runs.get(0);
            if (first.workload() != workload) {
                continue;
            }
            String throughput = range(runs, Result::opsPerSecond, "%.0f");
            String errors =
                    String.valueOf(runs.stream().mapToInt(Result::errors).sum());
            String vsSerial = ratios(runs, this::serialOf);
            String vsPeer = first.variant().concurrent() ? ratios(runs, this::bestPeerOf) : "";
            out.append(
                    mixed
                            ? row(
                                    first,
                                    throughput,
                                    range(runs, Result::readsPerSecond, "%.0f"),
                                    errors,
                                    median(runs, (r) -> r.percentileMillis(99), "%.2f"),
                                    median(runs, (r) -> r.readPercentileMillis(99), "%.2f"),
                                    vsSerial,
                                    vsPeer)
                            : row(
                                    first,
                                    throughput,
                                    errors,
                                    median(runs, (r) -> r.percentileMillis(99), "%.2f"),
                                    median(runs, Result::maxMillis, "%.1f"),
                                    vsSerial,
                                    vsPeer));
        }
        return out.toString();
    }

    /** The median over the rounds of a setup's ratio to another result of the same round. */
    double ratio(Workload workload, Variant variant, int threads, Peer peer) {
        List<Result> runs = this.setups.get(key(workload, variant, threads));
        if (runs == null) {
            return Double.NaN;
        }
        return median(perRound(runs, (peer == Peer.SERIAL) ? this::serialOf : this::bestPeerOf));
    }

    /** The median over the rounds of one figure of a setup. */
    double median(Workload workload, Variant variant, int threads, ToDoubleFunction<Result> figure) {
        List<Result> runs = this.setups.get(key(workload, variant, threads));
        return (runs == null)
                ? Double.NaN
                : median(runs.stream().mapToDouble(figure).toArray());
    }

    int errors(Variant variant) {
        return this.setups.values().stream()
                .flatMap(List::stream)
                .filter((result) -> result.variant() == variant)
                .mapToInt(Result::errors)
                .sum();
    }

    enum Peer {
        SERIAL,
        BEST_PEER
    }

    private String ratios(List<Result> runs, Function<Result, Result> baseline) {
        double[] ratios = perRound(runs, baseline);
        if (ratios.length == 0) {
            return "";
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2fx [%.2f-%.2f]", median(ratios), sorted[0], sorted[sorted.length - 1]);
    }

    private double[] perRound(List<Result> runs, Function<Result, Result> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < runs.size(); round++) {
            Result result = runs.get(round);
            Result base = roundOf(baseline.apply(result), round);
            if (base != null && base.opsPerSecond() > 0) {
                ratios.add(result.opsPerSecond() / base.opsPerSecond());
            }
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The serial thread's setup on the same workload (its result of the same round is the baseline). */
    private Result serialOf(Result result) {
        List<Result> serial = this.setups.get(key(result.workload(), Variant.SERIAL, 1));
        return (serial != null) ? serial.get(0) : result;
    }

    /**
     * The peer with the highest median throughput at the same workload and thread count, among those that lost
     * no operation in any round: a setup that fails writes is not one a user can pick instead.
     */
    private Result bestPeerOf(Result result) {
        @Nullable Result best = null;
        double bestOps = -1;
        for (Variant variant : Variant.values()) {
            List<Result> runs = this.setups.get(key(result.workload(), variant, result.threads()));
            if (variant.peer() && runs != null && runs.stream().allMatch((run) -> run.errors() == 0)) {
                double ops =
                        median(runs.stream().mapToDouble(Result::opsPerSecond).toArray());
                if (ops > bestOps) {
                    bestOps = ops;
                    best = runs.get(0);
                }
            }
        }
        return (best != null) ? best : result;
    }

    private @Nullable Result roundOf(Result setup, int round) {
        List<Result> runs = this.setups.get(key(setup));
        return (runs != null && round < runs.size()) ? runs.get(round) : null;
    }

    private int rounds() {
        return this.setups.values().stream().mapToInt(List::size).max().orElse(0);
    }

    private static String row(Result first, String... cells) {
        return "| " + first.variant().title() + " | " + first.threads() + " | " + String.join(" | ", cells) + " |\n";
    }

    private static String range(List<Result> runs, ToDoubleFunction<Result> figure, String format) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        return String.format(
                Locale.ROOT,
                format + " [" + format + "-" + format + "]",
                median(values),
                values[0],
                values[values.length - 1]);
    }

    private static String median(List<Result> runs, ToDoubleFunction<Result> figure, String format) {
        return String.format(
                Locale.ROOT, format, median(runs.stream().mapToDouble(figure).toArray()));
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String key(Result result) {
        return key(result.workload(), result.variant(), result.threads());
    }

    private static String key(Workload workload, Variant variant, int threads) {
        return workload + "/" + variant + "/" + threads;
    }
}
