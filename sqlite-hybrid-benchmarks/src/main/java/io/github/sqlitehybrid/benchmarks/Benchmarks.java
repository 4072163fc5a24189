package io.github.sqlitehybrid.benchmarks;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * ({@link LogDatabaseBenchmark}) or {@code backup} ({@link BackupBenchmark}), followed by that benchmark's own
 * arguments.
 *
 * <p>{@code contention} prints, for the single-row insert, the read-then-write claim and a mixed workload (80%
 * read-only transactions, 20% claims) at 4, 16 and 64 threads, with {@code synchronous=NORMAL} and then
 * {@code FULL}, each variant's throughput, errors and latencies: medians of at least 3 interleaved rounds with
 * their range, after every setup warmed up on its own workload, and ratios taken within each round to one thread
 * doing the same work serially and to the best peer (plain Boot, {@code transaction_mode=IMMEDIATE} with a busy
 * timeout, a pool of one connection). Ratios, not absolute figures, are what compare across machines. Then the
 * goals of the default path, each met or not.
 *
 * <p>The claim workload also runs on PostgreSQL, on a throwaway server started once per run from the
 * machine's binaries ({@link LocalPostgres}), with durability comparable to SQLite's WAL with
 * {@code synchronous=NORMAL}: {@code fsync=on}, {@code synchronous_commit=off} (a commit does not wait for its
 * WAL flush, so a crash of the machine may lose the last few commits but never corrupts the database, as in
 * SQLite's WAL with NORMAL). Where the server cannot start, the reason is printed and those rows are left out.
 *
 * <pre>
 * ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar contention [operations, default 8000] [threads, default 4,16,64] [rounds, default 3] [synchronous, default normal,full]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar write-buffer [upserts [rounds]]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar group-commit [operations [rounds]]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar log-database [threads [lines [rounds]]]
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar backup [megabytes [rounds]]
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
            case "backup" -> BackupBenchmark.main(rest);
            default ->
                throw new IllegalArgumentException("Unknown benchmark '" + which
                        + "': use contention, write-buffer, group-commit, log-database or backup");
        }
    }

    private static void contention(String[] args) throws Exception {
        int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 8000;
        int[] threads = (args.length > 1)
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : THREADS;
        int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
        List<String> synchronous = (args.length > 3)
                ? Arrays.stream(args[3].split(","))
                        .map((mode) -> mode.toUpperCase(Locale.ROOT))
                        .toList()
                : List.of("NORMAL", "FULL");
        Path directory = Files.createTempDirectory("sqlite-hybrid-benchmarks");
        // A pool connection per thread.
        LocalPostgres postgres = startPostgres(Arrays.stream(threads).max().orElse(1));
        try {
            for (String mode : synchronous) {
                // PostgreSQL's rows do not depend on SQLite's synchronous: they run with the first mode only.
                LocalPostgres server = mode.equals(synchronous.get(0)) ? postgres : null;
                System.out.println(run(directory, operations, server, rounds, mode, threads));
            }
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
     * Run every workload and variant; returns the tables and the goals. Every setup (workload, variant, thread
     * count) first warms up on its own workload, then the rounds run one after another, each round every setup
     * once, so that ratios are taken between setups measured minutes apart at most.
     * @param postgres the server for the PostgreSQL claim rows, {@code null} to leave them out
     * @param synchronous SQLite's {@code synchronous} for every SQLite setup
     */
    static String run(
            Path directory,
            int operations,
            @Nullable LocalPostgres postgres,
            int rounds,
            String synchronous,
            int... threadCounts)
            throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark(directory, operations, postgres, synchronous);
        List<Setup> setups = setups(postgres != null, threadCounts);
        int warmUp = Math.max(100, operations / 4);
        for (Setup setup : setups) {
            benchmark.run(setup.workload(), setup.variant(), setup.threads(), warmUp);
        }
        ContentionReport report = new ContentionReport(synchronous);
        for (int round = 0; round < rounds; round++) {
            for (Setup setup : setups) {
                report.add(benchmark.run(setup.workload(), setup.variant(), setup.threads()));
            }
        }
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%d operations per run, %d rounds, %d cores, Java %s, synchronous=%s%n",
                operations,
                rounds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                synchronous));
        for (Workload workload : Workload.values()) {
            out.append(report.table(workload));
        }
        out.append(ContentionGoals.check(report, synchronous, threadCounts));
        out.append(longWriter(benchmark, Duration.ofSeconds(Math.max(2, operations / 1000))));
        out.append(String.format(
                Locale.ROOT,
                "%nread-only transactions while a writer holds a 2 s write transaction: p99 %.2f ms (single writer),"
                        + " %.2f ms (plain)%n",
                benchmark.readerP99WhileWriterHolds(Variant.SINGLE_WRITER, 2000),
                benchmark.readerP99WhileWriterHolds(Variant.PLAIN, 2000)));
        return out.toString();
    }

    /**
     * Claims from 16 threads beside a 200 ms write transaction once a second, against the same claims alone, for
     * the starter's default and the two one-line fixes.
     */
    private static String longWriter(ContentionBenchmark benchmark, Duration duration) throws Exception {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%nclaims from 16 threads for %d s beside a 200 ms write transaction once a second%n"
                        + "| variant | claims/s | errors | p99 ms | max ms | p99 when it takes 0 ms | claims done / in the table |%n"
                        + "|---|---|---|---|---|---|---|%n",
                duration.toSeconds()));
        for (Variant variant :
                new Variant[] {Variant.SINGLE_WRITER, Variant.COALESCING, Variant.IMMEDIATE, Variant.POOL_OF_ONE}) {
            ContentionBenchmark.LongWriterRun beside = benchmark.claimsBesideALongWriter(variant, 16, 200, duration);
            ContentionBenchmark.LongWriterRun alone = benchmark.claimsBesideALongWriter(variant, 16, 0, duration);
            Result claims = beside.claims();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %d | %.2f | %.1f | %.2f | %s |%n",
                    variant.title(),
                    claims.opsPerSecond(),
                    claims.errors(),
                    claims.percentileMillis(99),
                    claims.maxMillis(),
                    alone.claims().percentileMillis(99),
                    tables(beside) + ", at 0 ms " + tables(alone)));
        }
        return out.toString();
    }

    private static String tables(ContentionBenchmark.LongWriterRun run) {
        String claims = run.claims().succeeded() + " / " + run.claimedRows();
        return run.tablesMatch()
                ? claims
                : claims + " (long transactions " + run.longTransactions() + " / " + run.longTransactionRows() + ")";
    }

    /** The setups of one run, in the order each round runs them. */
    private static List<Setup> setups(boolean withPostgres, int... threadCounts) {
        List<Setup> setups = new ArrayList<>();
        for (Workload workload : Workload.values()) {
            // PostgreSQL rows on the claim workload, the one where SQLite's lock bites.
            boolean postgres = withPostgres && workload == Workload.CLAIM;
            setups.add(new Setup(workload, Variant.SERIAL, 1));
            if (postgres) {
                setups.add(new Setup(workload, Variant.POSTGRES_SERIAL, 1));
            }
            for (int threads : threadCounts) {
                for (Variant variant : Variant.values()) {
                    if (variant.concurrent() && (!variant.postgres() || postgres)) {
                        setups.add(new Setup(workload, variant, threads));
                    }
                }
            }
            if (workload != Workload.MIXED) {
                setups.add(new Setup(workload, Variant.BATCH, 1));
            }
        }
        return setups;
    }

    private record Setup(Workload workload, Variant variant, int threads) {}
}
