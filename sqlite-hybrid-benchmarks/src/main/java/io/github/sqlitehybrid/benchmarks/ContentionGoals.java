package io.github.sqlitehybrid.benchmarks;

import io.github.sqlitehybrid.benchmarks.ContentionReport.Peer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The goals of commit coalescing (the single writer with {@code sqlite.hybrid.writer.coalescing.enabled=true}),
 * each printed with the figure measured in the same run and whether it is met. Thread counts the run left out are
 * skipped.
 */
final class ContentionGoals {

    private ContentionGoals() {}

    static String check(ContentionReport report, String synchronous, int... threadCounts) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%ngoals of commit coalescing (single writer + coalescing), synchronous=%s%n| goal | measured | met |%n|---|---|---|%n",
                synchronous));
        for (int threads : new int[] {16, 64}) {
            if (Arrays.stream(threadCounts).noneMatch((t) -> t == threads)) {
                continue;
            }
            ratio(out, report, Workload.CLAIM, threads, Peer.SERIAL, 2.0);
            ratio(out, report, Workload.CLAIM, threads, Peer.BEST_PEER, 2.0);
            ratio(out, report, Workload.INSERT, threads, Peer.BEST_PEER, 1.5);
            if (threads == 64) {
                if (synchronous.equals("FULL")) {
                    ratio(out, report, Workload.CLAIM, threads, Peer.BEST_PEER, 4.0);
                }
                double p99 = report.median(Workload.CLAIM, Variant.COALESCING, 64, (r) -> r.percentileMillis(99));
                goal(out, "claim p99 at 64 threads <= 10 ms", String.format(Locale.ROOT, "%.2f ms", p99), p99 <= 10);
                double readP99 =
                        report.median(Workload.MIXED, Variant.COALESCING, 64, (r) -> r.readPercentileMillis(99));
                goal(
                        out,
                        "mixed workload, read-only p99 at 64 threads < 1 ms",
                        String.format(Locale.ROOT, "%.2f ms", readP99),
                        readP99 < 1);
            }
        }
        for (int threads : new int[] {1, 4}) {
            if (Arrays.stream(threadCounts).anyMatch((t) -> t == threads)) {
                notSlower(out, report, Workload.CLAIM, threads);
                notSlower(out, report, Workload.INSERT, threads);
            }
        }
        int errors = report.errors(Variant.SINGLE_WRITER)
                + report.errors(Variant.COALESCING)
                + report.errors(Variant.GROUP_COMMIT);
        goal(out, "0 errors in every setup of the starter", errors + " errors", errors == 0);
        return out.toString();
    }

    private static void ratio(
            StringBuilder out, ContentionReport report, Workload workload, int threads, Peer peer, double target) {
        double ratio = report.ratio(workload, Variant.COALESCING, threads, peer);
        String against = (peer == Peer.SERIAL) ? "the serial thread" : "the best peer";
        goal(
                out,
                String.format(Locale.ROOT, "%s at %d threads >= %.1fx %s", workload.title(), threads, target, against),
                String.format(Locale.ROOT, "%.2fx", ratio),
                ratio >= target);
    }

    /** Coalescing must cost nothing where few threads write: medians against the single writer without it. */
    private static void notSlower(StringBuilder out, ContentionReport report, Workload workload, int threads) {
        double ratio = report.median(workload, Variant.COALESCING, threads, Result::opsPerSecond)
                / report.median(workload, Variant.SINGLE_WRITER, threads, Result::opsPerSecond);
        // 5% is within one round's noise on these machines.
        goal(
                out,
                String.format(
                        Locale.ROOT,
                        "%s at %d threads no slower than the single writer without coalescing (>= 0.95x)",
                        workload.title(),
                        threads),
                String.format(Locale.ROOT, "%.2fx", ratio),
                ratio >= 0.95);
    }

    private static void goal(StringBuilder out, String goal, String measured, boolean met) {
        out.append("| ")
                .append(goal)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "no");
        out.append(" |\n");
    }
}
