package io.github.sqlitehybrid.benchmarks;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;

/**
 * Entry point of the benchmarks jar: {@code contention} (the default), {@code write-buffer}
 * ({@link WriteBufferBenchmark}), {@code group-commit} ({@link GroupCommitBenchmark}) or {@code log-database}
 * ({@link LogDatabaseBenchmark}), followed by that benchmark's own arguments.
 *
 * <p>{@code contention} prints, for the single-row insert and the read-then-write claim at 4, 16 and 64 threads, each variant's
 * throughput, errors and latencies, and its throughput as a ratio to one thread doing the same work
 * serially in the same run. Ratios, not absolute figures, are what compare across machines.
 *
 * <p>The claim workload also runs on PostgreSQL, on a throwaway server started once per run from the
 * machine's binaries ({@link LocalPostgres}), with durability comparable to SQLite's WAL with
 * {@code synchronous=NORMAL}: {@code fsync=on}, {@code synchronous_commit=off} (a commit does not wait for its
 * WAL flush, so a crash of the machine may lose the last few commits but never corrupts the database, as in
 * SQLite's WAL with NORMAL). Where the server cannot start, the reason is printed and those rows are left out.
 *
 * <pre>
 * ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar contention [operations, default 8000] [threads, default 4,16,64]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar write-buffer [upserts [rounds]]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar group-commit [operations [rounds]]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar log-database [threads [lines [rounds]]]
 * </pre>
 */
public final class Benchmarks {

    private static final int[] THREADS = {4, 16, 64};

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String which = (args.length > 0) ? args[0] : "contention";
        String[] rest = (args.length > 1) ? Arrays.copyOfRange(args, 1, args.length) : new String[0];
        switch (which) {
            case "contention" -> contention(rest);
            case "log-database" -> LogDatabaseBenchmark.main(rest);
            case "write-buffer" -> WriteBufferBenchmark.main(rest);
            case "group-commit" -> GroupCommitBenchmark.main(rest);
            default ->
                throw new IllegalArgumentException("Unknown benchmark '" + which
                        + "': use contention, write-buffer, group-commit or log-database");
        }
    }

    private static void contention(String[] args) throws Exception {
        int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 8000;
        int[] threads = (args.length > 1)
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : THREADS;
        Path directory = Files.createTempDirectory("sqlite-hybrid-benchmarks");
        // A pool connection per thread.
        LocalPostgres postgres = startPostgres(Arrays.stream(threads).max().orElse(1));
        try {
            System.out.println(run(directory, operations, postgres, threads));
        } finally {
            if (postgres != null) {
                postgres.close();
            }
            FileSystemUtils.deleteRecursively(directory);
        }
    }

    /**
     * Start the PostgreSQL server of a benchmark run, with durability comparable to SQLite's WAL with
     * {@code synchronous=NORMAL} (see the class comment).
     * @param connections the most pool connections the run holds at once
     * @return the server, or {@code null}, after printing why, where none can start
     */
    static @Nullable LocalPostgres startPostgres(int connections) {
        try {
            // Room, beside the pool, for the connections that create each run's database.
            return LocalPostgres.start(Map.of(
                    "fsync", "on",
                    "synchronous_commit", "off",
                    "max_connections", String.valueOf(connections + 20)));
        } catch (RuntimeException ex) {
            System.out.println("PostgreSQL rows skipped: " + ex.getMessage());
            return null;
        }
    }

    /**
     * Run every workload and variant; returns the table.
     * @param postgres the server for the PostgreSQL claim rows, {@code null} to leave them out
     */
    static String run(Path directory, int operations, @Nullable LocalPostgres postgres, int... threadCounts)
            throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(directory, operations, postgres);
        // Warm the JIT on a throwaway run so the first measured variant is not the slowest for that reason.
        benchmark.run(Workload.CLAIM, Variant.SERIAL, 1);
        if (postgres != null) {
            benchmark.run(Workload.CLAIM, Variant.POSTGRES_SERIAL, 1);
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%d operations per run, %d cores, Java %s%n",
                operations,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        for (Workload workload : Workload.values()) {
            // The issue asks for PostgreSQL rows on the claim workload, the one where SQLite's lock bites.
            boolean withPostgres = (postgres != null) && (workload == Workload.CLAIM);
            Result serial = benchmark.run(workload, Variant.SERIAL, 1);
            List<Result> results = new ArrayList<>();
            results.add(serial);
            if (withPostgres) {
                results.add(benchmark.run(workload, Variant.POSTGRES_SERIAL, 1));
            }
            for (int threads : threadCounts) {
                for (Variant variant : Variant.values()) {
                    if (variant.concurrent() && (!variant.postgres() || withPostgres)) {
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
            for (Result result : results) {
                if (result.lostRaces() > 0) {
                    table.append(String.format(
                            Locale.ROOT,
                            "%s at %d threads: %d lost races (an UPDATE found its job already claimed by another"
                                    + " worker; the claim went on to the next queued job)%n",
                            result.variant().title(),
                            result.threads(),
                            result.lostRaces()));
                }
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
