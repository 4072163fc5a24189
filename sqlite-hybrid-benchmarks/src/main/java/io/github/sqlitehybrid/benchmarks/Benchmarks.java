package io.github.sqlitehybrid.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.util.FileSystemUtils;

/**
 * Entry point of the benchmarks jar: {@code contention} (the default) or {@code write-buffer}, followed by
 * that benchmark's own arguments.
 *
 * <p>{@code contention} prints, for the single-row insert and the read-then-write claim at 4, 16 and 64 threads, each variant's
 * throughput, errors and latencies, and its throughput as a ratio to one thread doing the same work
 * serially in the same run. Ratios, not absolute figures, are what compare across machines.
 *
 * <pre>
 * ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar contention [operations, default 8000] [threads, default 4,16,64]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar write-buffer [upserts [rounds]]
 * </pre>
 */
public final class Benchmarks {

    private static final int[] THREADS = {4, 16, 64};

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String which = (args.length > 0) ? args[0] : "contention";
        String[] rest = (args.length > 1) ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[0];
        switch (which) {
            case "contention" -> contention(rest);
            case "write-buffer" -> WriteBufferBenchmark.main(rest);
            default ->
                throw new IllegalArgumentException("Unknown benchmark '" + which + "': use contention or write-buffer");
        }
    }

    private static void contention(String[] args) throws Exception {
        int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 8000;
        int[] threads = (args.length > 1)
                ? java.util.Arrays.stream(args[1].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : THREADS;
        Path directory = Files.createTempDirectory("sqlite-hybrid-benchmarks");
        try {
            System.out.println(run(directory, operations, threads));
        } finally {
            FileSystemUtils.deleteRecursively(directory);
        }
    }

    /** Run every workload and variant; returns the table. */
    static String run(Path directory, int operations, int... threadCounts) throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(directory, operations);
        // Warm the JIT on a throwaway run so the first measured variant is not the slowest for that reason.
        benchmark.run(Workload.CLAIM, Variant.SERIAL, 1);
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%d operations per run, %d cores, Java %s%n",
                operations,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        for (Workload workload : Workload.values()) {
            Result serial = benchmark.run(workload, Variant.SERIAL, 1);
            List<Result> results = new ArrayList<>();
            results.add(serial);
            for (int threads : threadCounts) {
                for (Variant variant : Variant.values()) {
                    if (variant.concurrent()) {
                        results.add(benchmark.run(workload, variant, threads));
                    }
                }
            }
            results.add(benchmark.run(workload, Variant.BATCH, 1));
            table.append(String.format(Locale.ROOT, "%n%s%n", workload.title()));
            table.append(String.format(
                    Locale.ROOT,
                    "| %-26s | %7s | %9s | %7s | %8s | %8s | %8s | %9s |%n",
                    "variant",
                    "threads",
                    "ops/s",
                    "errors",
                    "p50 ms",
                    "p99 ms",
                    "max ms",
                    "vs serial"));
            table.append(
                    "|----------------------------|---------|-----------|---------|----------|----------|----------|-----------|\n");
            for (Result result : results) {
                table.append(String.format(
                        Locale.ROOT,
                        "| %-26s | %7d | %9.0f | %7d | %8.2f | %8.2f | %8.2f | %8.2fx |%n",
                        result.variant().title(),
                        result.threads(),
                        result.opsPerSecond(),
                        result.errors(),
                        result.percentileMillis(50),
                        result.percentileMillis(99),
                        result.maxMillis(),
                        result.opsPerSecond() / serial.opsPerSecond()));
            }
        }
        table.append(String.format(
                Locale.ROOT,
                "%nread-only transactions while a writer holds a 2 s write transaction: p99 %.2f ms (single writer),"
                        + " %.2f ms (plain)%n",
                benchmark.readerP99WhileWriterHolds(Variant.SINGLE_WRITER, 2000),
                benchmark.readerP99WhileWriterHolds(Variant.PLAIN, 2000)));
        return table.toString();
    }
}
