package io.github.sqlitehybrid.benchmarks;

import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import io.github.sqlitehybrid.writer.GroupCommitWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one workload under one variant at one thread count, on a fresh SQLite file (or a fresh database on the
 * PostgreSQL server, for the PostgreSQL variants), in a fresh application context, and checks afterwards that
 * the table holds exactly the operations reported as succeeded.
 */
final class ContentionBenchmark {

    private final Path directory;

    private final int operations;

    private final @Nullable LocalPostgres postgres;

    private final String synchronous;

    private final AtomicInteger runs = new AtomicInteger();

    /** More jobs than claims from every thread in the long-writer run can take. */
    private static final int LONG_WRITER_JOBS = 400_000;

    ContentionBenchmark(Path directory, int operations) {
        this(directory, operations, null);
    }

    /**
     * @param postgres the server the PostgreSQL variants run on, {@code null} when there is none
     */
    ContentionBenchmark(Path directory, int operations, @Nullable LocalPostgres postgres) {
        this(directory, operations, postgres, "NORMAL");
    }

    /**
     * @param synchronous SQLite's {@code synchronous} for every SQLite variant, {@code NORMAL} or {@code FULL}
     *     (where every COMMIT is an fsync)
     */
    ContentionBenchmark(Path directory, int operations, @Nullable LocalPostgres postgres, String synchronous) {
        this.directory = directory;
        this.operations = operations;
        this.postgres = postgres;
        this.synchronous = synchronous;
    }

    String synchronous() {
        return this.synchronous;
    }

    Result run(Workload workload, Variant variant, int threads) throws Exception {
        return run(workload, variant, threads, this.operations);
    }

    /** One run of {@code operations} operations, checked row by row against what was reported done. */
    Result run(Workload workload, Variant variant, int threads, int operations) throws Exception {
        int threadCount = variant.concurrent() ? threads : 1;
        // Unique in the directory, which benchmarks of both synchronous modes share.
        String name = workload + "-" + variant + "-" + threadCount + "-" + this.synchronous.toLowerCase(Locale.ROOT)
                + "-" + this.runs.incrementAndGet();
        try (ConfigurableApplicationContext context = start(name, variant, threadCount)) {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            workload.createSchema(jdbc, operations);
            LongAdder lostRaces = new LongAdder();
            Operation operation = operation(context, workload, variant, jdbc, lostRaces);
            Operation read = reader(context, workload, jdbc);
            Result result = (variant == Variant.BATCH)
                    ? runInOneTransaction(context, workload, jdbc, operations)
                    : runConcurrently(
                            workload,
                            variant,
                            threadCount,
                            (seq) -> seq < operations / threadCount,
                            operation,
                            read,
                            lostRaces);
            long rows = workload.rowsWritten(jdbc);
            if (rows != result.succeeded()) {
                throw new IllegalStateException(variant.title() + " reported " + result.succeeded()
                        + " operations done but the table holds " + rows);
            }
            return result;
        }
    }

    /**
     * Short claims from {@code threads} threads for {@code duration}, while one more thread runs a write
     * transaction of {@code holdMillis} once a second: how much a long transaction now and then costs the short
     * ones. Checked row by row like every run.
     */
    LongWriterRun claimsBesideALongWriter(Variant variant, int threads, long holdMillis, Duration duration)
            throws Exception {
        String name = "long-writer-" + variant + "-" + this.synchronous.toLowerCase(Locale.ROOT) + "-"
                + this.runs.incrementAndGet();
        try (ConfigurableApplicationContext context = start(name, variant, threads + 1)) {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            Workload.CLAIM.createSchema(jdbc, LONG_WRITER_JOBS);
            jdbc.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
            TransactionTemplate write = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            write.setName("ReportService.writeReport");
            LongAdder lostRaces = new LongAdder();
            Operation claim = operation(context, Workload.CLAIM, variant, jdbc, lostRaces);
            long deadline = System.nanoTime() + duration.toNanos();
            ExecutorService longWriter = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> reports = longWriter.submit(() -> {
                    int written = 0;
                    while (System.nanoTime() < deadline) {
                        write.executeWithoutResult((status) -> {
                            jdbc.update("INSERT INTO reports (at) VALUES (?)", System.currentTimeMillis());
                            sleep(holdMillis);
                        });
                        written++;
                        sleep(Math.max(0, 1000 - holdMillis));
                    }
                    return written;
                });
                Result result = runConcurrently(
                        Workload.CLAIM,
                        variant,
                        threads,
                        (seq) -> System.nanoTime() < deadline,
                        claim,
                        reader(context, Workload.CLAIM, jdbc),
                        lostRaces);
                int longTransactions = reports.get(1, TimeUnit.MINUTES);
                return new LongWriterRun(
                        result,
                        Workload.CLAIM.rowsWritten(jdbc),
                        longTransactions,
                        jdbc.queryForObject("SELECT count(*) FROM reports", Integer.class));
            } finally {
                longWriter.shutdownNow();
            }
        }
    }

    /**
     * What a run beside a long writer did, and what its tables hold: a peer whose COMMIT can fail after the
     * data was written (reported an error, yet in the table) shows here rather than stopping the benchmark.
     */
    record LongWriterRun(Result claims, long claimedRows, int longTransactions, int longTransactionRows) {

        boolean tablesMatch() {
            return this.claimedRows == this.claims.succeeded() && this.longTransactionRows == this.longTransactions;
        }
    }

    /**
     * p99 of read-only transactions, in milliseconds, while another thread holds a write transaction open
     * for the given time.
     */
    double readerP99WhileWriterHolds(Variant variant, long holdMillis) throws Exception {
        try (ConfigurableApplicationContext context = start(
                "readers-" + variant + "-" + this.synchronous.toLowerCase(Locale.ROOT) + "-"
                        + this.runs.incrementAndGet(),
                variant,
                5)) {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            Workload.CLAIM.createSchema(jdbc, 1000);
            PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
            TransactionTemplate write = new TransactionTemplate(manager);
            TransactionTemplate read = new TransactionTemplate(manager);
            read.setReadOnly(true);
            CountDownLatch writing = new CountDownLatch(1);
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                Future<?> writer = pool.submit(() -> write.executeWithoutResult((status) -> {
                    jdbc.update("UPDATE jobs SET status = 'held' WHERE id = 1");
                    writing.countDown();
                    sleep(holdMillis);
                    done.set(1);
                }));
                writing.await();
                List<Future<List<Long>>> readers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    readers.add(pool.submit(() -> {
                        List<Long> latencies = new ArrayList<>();
                        while (done.get() == 0) {
                            long start = System.nanoTime();
                            read.execute((status) -> jdbc.queryForObject(
                                    "SELECT count(*) FROM jobs WHERE status = 'queued'", Long.class));
                            latencies.add(System.nanoTime() - start);
                        }
                        return latencies;
                    }));
                }
                writer.get(holdMillis * 10, TimeUnit.MILLISECONDS);
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> reader : readers) {
                    all.addAll(reader.get());
                }
                long[] latencies = all.stream().mapToLong(Long::longValue).toArray();
                return new Result(Workload.CLAIM, variant, 4, latencies.length, 0, 0, 1, latencies)
                        .percentileMillis(99);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Every thread runs operations {@code 0, 1, 2, ...} while {@code more} says so; a read-only transaction where
     * the workload says so, else a write. Latencies of both, kept apart.
     */
    private static Result runConcurrently(
            Workload workload,
            Variant variant,
            int threads,
            IntPredicate more,
            Operation operation,
            Operation read,
            LongAdder lostRaces)
            throws Exception {
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger readsDone = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[][]>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                workers.add(pool.submit(() -> {
                    LongStream.Builder writeLatencies = LongStream.builder();
                    LongStream.Builder readLatencies = LongStream.builder();
                    start.await();
                    for (int seq = 0; more.test(seq); seq++) {
                        boolean isRead = workload.isRead(seq);
                        long begin = System.nanoTime();
                        try {
                            (isRead ? read : operation).run(worker, seq);
                            (isRead ? readsDone : succeeded).incrementAndGet();
                        } catch (RuntimeException ex) {
                            errors.incrementAndGet();
                        }
                        (isRead ? readLatencies : writeLatencies).add(System.nanoTime() - begin);
                    }
                    return new long[][] {
                        writeLatencies.build().toArray(), readLatencies.build().toArray()
                    };
                }));
            }
            long begin = System.nanoTime();
            start.countDown();
            List<long[][]> latencies = new ArrayList<>();
            for (Future<long[][]> worker : workers) {
                latencies.add(worker.get(10, TimeUnit.MINUTES));
            }
            long wall = System.nanoTime() - begin;
            return new Result(
                    workload,
                    variant,
                    threads,
                    succeeded.get(),
                    errors.get(),
                    lostRaces.sum(),
                    wall,
                    latencies.stream()
                            .flatMapToLong((each) -> Arrays.stream(each[0]))
                            .toArray(),
                    readsDone.get(),
                    latencies.stream()
                            .flatMapToLong((each) -> Arrays.stream(each[1]))
                            .toArray());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Result runInOneTransaction(
            ConfigurableApplicationContext context, Workload workload, JdbcTemplate jdbc, int operations) {
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        long begin = System.nanoTime();
        transaction.executeWithoutResult((status) -> {
            for (int seq = 0; seq < operations; seq++) {
                workload.run(jdbc, 0, seq);
            }
        });
        long wall = System.nanoTime() - begin;
        return new Result(workload, Variant.BATCH, 1, operations, 0, 0, wall, new long[] {wall});
    }

    /** Read-only transactions of a mixed workload, the same for every variant. */
    private static Operation reader(ConfigurableApplicationContext context, Workload workload, JdbcTemplate jdbc) {
        TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        readOnly.setReadOnly(true);
        readOnly.setName("JobService.countQueued");
        return (worker, seq) -> readOnly.executeWithoutResult((status) -> workload.read(jdbc));
    }

    private static Operation operation(
            ConfigurableApplicationContext context,
            Workload workload,
            Variant variant,
            JdbcTemplate jdbc,
            LongAdder lostRaces) {
        TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        // Named as @Transactional names a service method's transaction.
        transaction.setName(workload.transactionName());
        Operation once =
                (worker, seq) -> lostRaces.add(transaction.execute((status) -> workload.run(jdbc, worker, seq)));
        return switch (variant) {
            case PLAIN_RETRY -> (worker, seq) -> withHandMadeRetry(once, worker, seq);
            case DB_RETRY, POSTGRES_DB_RETRY -> {
                DbRetryTemplate retry = context.getBean(DbRetryTemplate.class);
                yield (worker, seq) -> retry.run(workload.name(), () -> once.run(worker, seq));
            }
            case GROUP_COMMIT -> {
                GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                yield (worker, seq) -> lostRaces.add(writer.execute((unit) -> workload.run(unit, worker, seq)));
            }
            default -> once;
        };
    }

    /** The usual fix found in services: three attempts, waits of 50 and 100 ms, on a message match. */
    private static void withHandMadeRetry(Operation operation, int worker, int seq) {
        for (int attempt = 1; ; attempt++) {
            try {
                operation.run(worker, seq);
                return;
            } catch (DataAccessException ex) {
                String message = String.valueOf(ex.getMessage());
                if (attempt == 3 || !(message.contains("SQLITE_BUSY") || message.contains("database is locked"))) {
                    throw ex;
                }
                sleep(50L << (attempt - 1));
            }
        }
    }

    private ConfigurableApplicationContext start(String name, Variant variant, int threads) {
        List<String> properties =
                new ArrayList<>(List.of("logging.level.root=WARN", "spring.main.register-shutdown-hook=false"));
        if (variant.postgres()) {
            if (this.postgres == null) {
                throw new IllegalStateException(variant.title() + " needs a PostgreSQL server and none was given");
            }
            // A fresh database per run; the pool holds a connection for every thread, as the server allows.
            properties.add("spring.datasource.url=" + this.postgres.createDatabase("bench"));
            properties.add("spring.datasource.username=" + LocalPostgres.USER);
            properties.add("spring.datasource.hikari.maximum-pool-size=" + threads);
        } else {
            properties.addAll(List.of(
                    "spring.datasource.url=jdbc:sqlite:" + this.directory.resolve(name + ".db"),
                    // For the variants without the starter: WAL, NORMAL and a 5 s busy timeout, as services set them.
                    "spring.datasource.hikari.data-source-properties.journal_mode=WAL",
                    "spring.datasource.hikari.data-source-properties.synchronous=" + this.synchronous,
                    "spring.datasource.hikari.data-source-properties.busy_timeout=5000",
                    // The starter sets its PRAGMAs on each connection; the same durability for its variants.
                    "sqlite.hybrid.pragmas.synchronous=" + this.synchronous));
        }
        properties.addAll(variant.properties());
        return new SpringApplicationBuilder(BenchmarkApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(properties.toArray(String[]::new))
                .run();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @FunctionalInterface
    interface Operation {

        void run(int worker, int seq);
    }
}
