package io.github.sqlitehybrid.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.github.sqlitehybrid.pragma.PragmaApplyingDataSource;
import io.github.sqlitehybrid.pragma.PragmaProperties;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.writer.GroupCommitProperties;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.springframework.util.FileSystemUtils;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * Compares one thread doing every write in its own transaction with the {@link GroupCommitWriter} fed by 4,
 * 16 and 64 threads, for single-row inserts and for read-then-write job claims. Run it with
 *
 * <pre>
 * ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar group-commit [operations [rounds]]
 * </pre>
 *
 * <p>Arguments: operations per configuration (default 40,000) and rounds (default 3). Every configuration
 * runs once per round, rounds interleaved so that each meets the same background load, each time on a fresh
 * database file with the starter's default PRAGMAs (WAL, synchronous NORMAL). The table shows the median
 * round's ops/s and its ratio to the serial thread's median, errors summed, latency percentiles over all
 * rounds, and CPU time per operation: the whole process's, and the writing thread's alone (the serial
 * thread, or the group commit writer), which are steadier than throughput on a shared machine. "no stmt
 * cache" is the writer with {@code statement-cache-size=0}, to show what reusing prepared statements is worth;
 * "no gen. keys" is the serial thread with sqlite-jdbc's generated keys off, as the writer runs by default.
 *
 * <p>It uses the starter's public API only: a {@link GroupCommitWriter} built on a SQLite DataSource with the
 * starter's PRAGMAs. The writer's thread, whose CPU time it reads, is found by its name.
 */
public final class GroupCommitBenchmark {

    private static final int[] THREADS = {4, 16, 64};

    private final int operations;

    private final Path dir;

    private final List<Result> results = new ArrayList<>();

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ThreadMXBean threadCpu = ManagementFactory.getThreadMXBean();

    GroupCommitBenchmark(int operations, Path dir) {
        this.operations = operations;
        this.dir = dir;
    }

    /**
     * Run the benchmark.
     * @param args optionally, operations per configuration (default 40,000) and rounds (default 3)
     * @throws Exception if the benchmark fails
     */
    public static void main(String[] args) throws Exception {
        int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 40_000;
        int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("group-commit-benchmark");
        try {
            System.out.print(run(dir, operations, rounds));
        } finally {
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    /**
     * Warm up, run every configuration once per round, and return the table.
     * @param dir where the database files go
     * @param operations operations per configuration
     * @param rounds how many times each configuration runs
     * @return the table, as printed
     * @throws Exception if a configuration fails or leaves the wrong rows
     */
    static String run(Path dir, int operations, int rounds) throws Exception {
        GroupCommitBenchmark benchmark = new GroupCommitBenchmark(operations, dir);
        benchmark.warmUp();
        for (int round = 0; round < rounds; round++) {
            for (Workload workload : Workload.values()) {
                benchmark.run(workload);
            }
        }
        return benchmark.table(rounds);
    }

    private void warmUp() throws Exception {
        GroupCommitBenchmark warmUp = new GroupCommitBenchmark(Math.min(this.operations, 5_000), this.dir);
        for (Workload workload : Workload.values()) {
            warmUp.serial(workload, true);
            warmUp.groupCommit(workload, 16, 64);
        }
    }

    private void run(Workload workload) throws Exception {
        this.results.add(serial(workload, true));
        this.results.add(serial(workload, false));
        for (int threads : THREADS) {
            this.results.add(groupCommit(workload, threads, 64));
        }
        this.results.add(groupCommit(workload, 64, 0));
    }

    /**
     * One thread, one transaction per operation, prepared statements reused.
     * @param generatedKeys sqlite-jdbc's default; off, it no longer matches every statement against a regular
     *     expression nor follows each INSERT with a {@code SELECT last_insert_rowid()} (the writer turns it off)
     */
    Result serial(Workload workload, boolean generatedKeys) throws Exception {
        DataSource dataSource = database(workload);
        long[] latencies = new long[this.operations];
        int errors = 0;
        long started;
        long elapsed;
        long cpuStarted;
        long cpuUsed;
        long threadCpuStarted;
        long threadCpuUsed;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(Workload.INSERT_SQL);
                PreparedStatement begin = connection.prepareStatement("BEGIN IMMEDIATE");
                PreparedStatement commit = connection.prepareStatement("COMMIT");
                PreparedStatement select = connection.prepareStatement(Workload.SELECT_SQL);
                PreparedStatement update = connection.prepareStatement(Workload.UPDATE_SQL)) {
            connection.unwrap(SQLiteConnection.class).getConnectionConfig().setGetGeneratedKeys(generatedKeys);
            cpuStarted = this.os.getProcessCpuTime();
            threadCpuStarted = this.threadCpu.getCurrentThreadCpuTime();
            started = System.nanoTime();
            for (int i = 0; i < this.operations; i++) {
                long t0 = System.nanoTime();
                try {
                    if (workload == Workload.INSERT) {
                        insert.setInt(1, i);
                        insert.setString(2, "payload-" + i);
                        insert.executeUpdate();
                    } else {
                        begin.executeUpdate();
                        long id;
                        try (ResultSet rows = select.executeQuery()) {
                            rows.next();
                            id = rows.getLong(1);
                        }
                        update.setString(1, "serial");
                        update.setLong(2, id);
                        update.executeUpdate();
                        commit.executeUpdate();
                    }
                } catch (SQLException ex) {
                    errors++;
                }
                latencies[i] = System.nanoTime() - t0;
            }
            elapsed = System.nanoTime() - started;
            threadCpuUsed = this.threadCpu.getCurrentThreadCpuTime() - threadCpuStarted;
            cpuUsed = this.os.getProcessCpuTime() - cpuStarted;
        }
        check(dataSource, workload, this.operations - errors);
        String mode = generatedKeys ? "serial thread" : "serial thread, no gen. keys";
        return new Result(workload, mode, 1, this.operations, errors, elapsed, latencies, cpuUsed, threadCpuUsed);
    }

    /** Threads calling {@link GroupCommitWriter#execute} with one operation per unit. */
    Result groupCommit(Workload workload, int threads, int statementCacheSize) throws Exception {
        DataSource dataSource = database(workload);
        GroupCommitProperties properties = new GroupCommitProperties();
        properties.setStatementCacheSize(statementCacheSize);
        long[] latencies = new long[this.operations];
        AtomicInteger errors = new AtomicInteger();
        long elapsed;
        long cpuUsed;
        long writerCpuUsed;
        try (GroupCommitWriter writer =
                new GroupCommitWriter(dataSource, properties, new SqliteLockErrorClassifier(), List.of())) {
            writer.execute((jdbc) -> jdbc.queryForObject("SELECT 1", Integer.class)); // opens the connection
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                String worker = "worker-" + t;
                Thread caller = new Thread(() -> {
                    awaitQuietly(start);
                    for (int i = thread; i < this.operations; i += threads) {
                        int id = i;
                        long t0 = System.nanoTime();
                        try {
                            if (workload == Workload.INSERT) {
                                writer.execute((jdbc) -> jdbc.update(Workload.INSERT_SQL, id, "payload-" + id));
                            } else {
                                writer.execute((jdbc) -> {
                                    Long job = jdbc.queryForObject(Workload.SELECT_SQL, Long.class);
                                    return jdbc.update(Workload.UPDATE_SQL, worker, job);
                                });
                            }
                        } catch (RuntimeException ex) {
                            errors.incrementAndGet();
                        }
                        latencies[i] = System.nanoTime() - t0;
                    }
                });
                caller.start();
                callers.add(caller);
            }
            Thread writerThread = writerThread();
            long writerCpuStarted = this.threadCpu.getThreadCpuTime(writerThread.getId());
            long cpuStarted = this.os.getProcessCpuTime();
            long started = System.nanoTime();
            start.countDown();
            for (Thread caller : callers) {
                caller.join();
            }
            elapsed = System.nanoTime() - started;
            cpuUsed = this.os.getProcessCpuTime() - cpuStarted;
            writerCpuUsed = this.threadCpu.getThreadCpuTime(writerThread.getId()) - writerCpuStarted;
        }
        check(dataSource, workload, this.operations - errors.get());
        String mode = (statementCacheSize > 0) ? "group commit" : "group commit, no stmt cache";
        return new Result(
                workload, mode, threads, this.operations, errors.get(), elapsed, latencies, cpuUsed, writerCpuUsed);
    }

    private static Thread writerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter((thread) -> thread.getName().equals("sqlite-group-commit"))
                .max(Comparator.comparingLong(Thread::getId)) // the newest: an earlier writer may be exiting
                .orElseThrow();
    }

    private DataSource database(Workload workload) throws SQLException, IOException {
        Path file = Files.createTempFile(this.dir, workload.name().toLowerCase(Locale.ROOT), ".db");
        Files.delete(file);
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + file);
        DataSource dataSource = new PragmaApplyingDataSource(sqlite, SqlitePragmas.from(new PragmaProperties()));
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
            statement.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, worker TEXT)");
            statement.execute("CREATE INDEX jobs_by_status ON jobs (status, id)");
            if (workload == Workload.CLAIM) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO jobs (id, status) VALUES (?, 'queued')")) {
                    for (int i = 0; i < this.operations; i++) {
                        insert.setInt(1, i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                connection.commit();
                connection.setAutoCommit(true);
            }
        }
        return dataSource;
    }

    /** Every successful operation happened exactly once. */
    private static void check(DataSource dataSource, Workload workload, int expected) throws SQLException {
        String sql = (workload == Workload.INSERT)
                ? "SELECT count(*) FROM items"
                : "SELECT count(*) FROM jobs WHERE status = 'running'";
        try (Connection connection = dataSource.getConnection();
                ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            if (rows.getInt(1) != expected) {
                throw new IllegalStateException(workload + ": expected " + expected + " rows, found " + rows.getInt(1));
            }
        }
    }

    private String table(int rounds) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                "%nGroup commit benchmark: %,d operations per configuration, %d rounds (median shown), %d CPUs,"
                        + " Java %s%n",
                this.operations,
                rounds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        table.append(String.format(
                "%-8s %-28s %7s %10s %7s %8s %8s %8s %9s %8s %8s%n",
                "workload",
                "mode",
                "threads",
                "ops/s",
                "errors",
                "p50 ms",
                "p99 ms",
                "max ms",
                "x serial",
                "cpu us",
                "writer us"));
        Map<String, List<Result>> byConfiguration = new LinkedHashMap<>();
        for (Result result : this.results) {
            byConfiguration
                    .computeIfAbsent(result.key(), (key) -> new ArrayList<>())
                    .add(result);
        }
        for (Workload workload : Workload.values()) {
            double serial = median(byConfiguration.get(workload + "/serial thread/1"), Result::opsPerSecond);
            for (List<Result> runs : byConfiguration.values()) {
                Result first = runs.get(0);
                if (first.workload != workload) {
                    continue;
                }
                long[] latencies = runs.stream()
                        .flatMapToLong((run) -> Arrays.stream(run.latencies))
                        .sorted()
                        .toArray();
                double opsPerSecond = median(runs, Result::opsPerSecond);
                table.append(String.format(
                        "%-8s %-28s %7d %,10.0f %7d %8.3f %8.3f %8.3f %8.2fx %8.1f %8.1f%n",
                        workload.name().toLowerCase(Locale.ROOT),
                        first.mode,
                        first.threads,
                        opsPerSecond,
                        runs.stream().mapToInt((run) -> run.errors).sum(),
                        percentile(latencies, 0.50),
                        percentile(latencies, 0.99),
                        percentile(latencies, 1.0),
                        opsPerSecond / serial,
                        median(runs, Result::cpuMicrosPerOperation),
                        median(runs, Result::writerMicrosPerOperation)));
            }
        }
        return table.toString();
    }

    private static double median(List<Result> runs, ToDoubleFunction<Result> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        return values[values.length / 2];
    }

    private static double percentile(long[] sorted, double fraction) {
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** What each operation does: insert one row, or claim the next queued job (read, then write). */
    enum Workload {
        INSERT,
        CLAIM;

        static final String INSERT_SQL = "INSERT INTO items (id, payload) VALUES (?, ?)";

        static final String SELECT_SQL = "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1";

        static final String UPDATE_SQL = "UPDATE jobs SET status = 'running', worker = ? WHERE id = ?";
    }

    /** One configuration's run: its operations, errors, latencies and CPU time. */
    static final class Result {

        final Workload workload;

        final String mode;

        final int threads;

        final int operations;

        final int errors;

        final long elapsedNanos;

        final long[] latencies;

        final long cpuNanos;

        final long writerCpuNanos;

        Result(
                Workload workload,
                String mode,
                int threads,
                int operations,
                int errors,
                long elapsedNanos,
                long[] latencies,
                long cpuNanos,
                long writerCpuNanos) {
            this.workload = workload;
            this.mode = mode;
            this.threads = threads;
            this.operations = operations;
            this.errors = errors;
            this.elapsedNanos = elapsedNanos;
            this.latencies = latencies;
            this.cpuNanos = cpuNanos;
            this.writerCpuNanos = writerCpuNanos;
        }

        String key() {
            return this.workload + "/" + this.mode + "/" + this.threads;
        }

        double opsPerSecond() {
            return this.operations / (this.elapsedNanos / 1e9);
        }

        double cpuMicrosPerOperation() {
            return this.cpuNanos / 1e3 / this.operations;
        }

        double writerMicrosPerOperation() {
            return this.writerCpuNanos / 1e3 / this.operations;
        }
    }
}
