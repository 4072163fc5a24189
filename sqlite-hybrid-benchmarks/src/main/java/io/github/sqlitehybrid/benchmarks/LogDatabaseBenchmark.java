package io.github.sqlitehybrid.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseProperties;
import io.github.sqlitehybrid.logdb.LogDatabaseStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import org.sqlite.SQLiteConfig;

/**
 * Log lines per second into the log database against Logback's plain {@link FileAppender} and against one
 * INSERT per line on a SQLite "main database" (WAL, {@code synchronous=NORMAL}, autocommit, one reused
 * prepared statement), in the same run, with the same threads and messages. Run it with
 *
 * <pre>
 * ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests
 * java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar log-database [threads [lines [rounds]]]
 * </pre>
 *
 * <p>The log database's rate is end to end: from the first logging call until every line is committed
 * (its queue holds the whole run, so nothing is dropped). The rate at which the logging calls return is
 * printed too, the rate with batches of 500 lines instead of 50, and what happens to the same burst with the
 * default queue of 8192 lines.
 */
public final class LogDatabaseBenchmark {

    private LogDatabaseBenchmark() {}

    /**
     * Run the benchmark and print its figures.
     * @param args optionally the number of logging threads (4), lines per thread (50,000) and rounds (3)
     * @throws Exception if a run fails or the log database does not finish writing
     */
    public static void main(String[] args) throws Exception {
        int threads = (args.length > 0) ? Integer.parseInt(args[0]) : 4;
        int linesPerThread = (args.length > 1) ? Integer.parseInt(args[1]) : 50_000;
        int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("logdb-benchmark");
        try {
            System.out.print(run(dir, threads, linesPerThread, rounds));
        } finally {
            FileSystemUtils.deleteRecursively(dir);
        }
    }

    /** Run every path, round after round, in a directory; returns the report. */
    static String run(Path dir, int threads, int linesPerThread, int rounds) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Warm up every path once, then measure each in turn, round after round, and keep the medians:
        // on a shared machine, load that comes and goes then weighs on every path alike.
        round(context, dir.resolve("warm-up"), threads, Math.max(1, linesPerThread / 10));
        List<double[]> results = new ArrayList<>();
        long dropped = 0;
        long logged = 0;
        for (int i = 0; i < rounds; i++) {
            Round round = round(context, dir.resolve("round-" + i), threads, linesPerThread);
            results.add(new double[] {
                round.database().writtenRate(),
                round.database().callRate(),
                round.file(),
                round.insert(),
                round.bounded().callRate(),
                round.largeBatches().writtenRate()
            });
            dropped += round.bounded().dropped();
            logged += round.bounded().logged();
        }
        return report(results, threads, linesPerThread, rounds, logged, dropped);
    }

    private static String report(
            List<double[]> results, int threads, int linesPerThread, int rounds, long logged, long dropped) {
        double file = median(results, 2);
        double insert = median(results, 3);
        int total = threads * linesPerThread;
        return String.format(
                        Locale.ROOT,
                        "%d threads x %,d lines (%,d), median of %d rounds, Java %s, %d cores%n",
                        threads,
                        linesPerThread,
                        total,
                        rounds,
                        Runtime.version(),
                        Runtime.getRuntime().availableProcessors())
                + row("log database, written (end to end)", median(results, 0), file, insert)
                + row("log database, logging calls returned", median(results, 1), file, insert)
                + row("log database, max-batch-size=500", median(results, 5), file, insert)
                + row("Logback FileAppender", file, file, insert)
                + row("one INSERT per line, main database", insert, file, insert)
                + String.format(
                        Locale.ROOT,
                        "  with the default queue (8192 lines), each %,d-line burst at %,.0f lines/s: %,d written,"
                                + " %,d dropped (counted), mean of %d rounds%n",
                        total,
                        median(results, 4),
                        logged / rounds,
                        dropped / rounds,
                        rounds);
    }

    private record Round(
            LogDatabaseResult database,
            LogDatabaseResult largeBatches,
            LogDatabaseResult bounded,
            double file,
            double insert) {}

    private static Round round(LoggerContext context, Path dir, int threads, int linesPerThread) throws Exception {
        Files.createDirectories(dir);
        int total = threads * linesPerThread;
        LogDatabaseResult database = logDatabase(context, dir.resolve("logs.db"), threads, linesPerThread, total, 50);
        LogDatabaseResult largeBatches =
                logDatabase(context, dir.resolve("large-batches.db"), threads, linesPerThread, total, 500);
        LogDatabaseResult bounded = logDatabase(context, dir.resolve("bounded.db"), threads, linesPerThread, 8192, 50);
        double file = fileAppender(context, dir.resolve("app.log"), threads, linesPerThread);
        // A quarter of the lines: one transaction per line is slow, and its rate does not need more.
        double insert = perLineInsert(context, dir.resolve("main.db"), threads, Math.max(1, linesPerThread / 4));
        return new Round(database, largeBatches, bounded, file, insert);
    }

    private static double median(List<double[]> results, int index) {
        double[] values =
                results.stream().mapToDouble((result) -> result[index]).sorted().toArray();
        int middle = values.length / 2;
        return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static String row(String name, double rate, double file, double insert) {
        return String.format(
                Locale.ROOT,
                "  %-40s %,12.0f lines/s  %5.2fx file appender  %6.1fx per-line insert%n",
                name,
                rate,
                rate / file,
                rate / insert);
    }

    record LogDatabaseResult(double callRate, double writtenRate, long logged, long dropped) {}

    /** Log the lines into a log database of its own, attached to a logger of its own; timed until written. */
    static LogDatabaseResult logDatabase(
            LoggerContext context, Path file, int threads, int linesPerThread, int queueCapacity, int maxBatchSize)
            throws Exception {
        String name = "benchmark.logdb." + file.getFileName();
        Logger logger = quiet(context, name);
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(file.toString());
        properties.setQueueCapacity(queueCapacity);
        properties.setMaxBatchSize(maxBatchSize);
        try (LogDatabase database = new LogDatabase(properties, name)) {
            database.start();
            long start = System.nanoTime();
            logLines(logger, threads, linesPerThread);
            long returned = System.nanoTime();
            if (!database.flush(Duration.ofMinutes(5))) {
                throw new IllegalStateException("log database did not finish writing");
            }
            long written = System.nanoTime();
            LogDatabaseStats stats = database.stats();
            return new LogDatabaseResult(
                    rate(threads * linesPerThread, returned - start),
                    rate(stats.logged(), written - start),
                    stats.logged(),
                    stats.dropped());
        }
    }

    private static double fileAppender(LoggerContext context, Path file, int threads, int linesPerThread)
            throws Exception {
        Logger logger = quiet(context, "benchmark.file");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        logger.addAppender(appender);
        try {
            long start = System.nanoTime();
            logLines(logger, threads, linesPerThread);
            return rate(threads * linesPerThread, System.nanoTime() - start);
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    private static double perLineInsert(LoggerContext context, Path file, int threads, int linesPerThread)
            throws Exception {
        Logger logger = quiet(context, "benchmark.insert");
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = NORMAL");
                statement.execute("CREATE TABLE logs (id INTEGER PRIMARY KEY, timestamp INTEGER, level TEXT,"
                        + " logger TEXT, thread TEXT, message TEXT)");
            }
            InsertPerLineAppender appender = new InsertPerLineAppender(connection.prepareStatement(
                    "INSERT INTO logs (timestamp, level, logger, thread, message) VALUES (?, ?, ?, ?, ?)"));
            appender.setContext(context);
            appender.start();
            logger.addAppender(appender);
            try {
                long start = System.nanoTime();
                logLines(logger, threads, linesPerThread);
                return rate(threads * linesPerThread, System.nanoTime() - start);
            } finally {
                logger.detachAppender(appender);
                appender.stop();
            }
        }
    }

    /** What logging into the main database looks like: one autocommit INSERT per line, on the caller. */
    private static final class InsertPerLineAppender extends AppenderBase<ILoggingEvent> {

        private final PreparedStatement insert;

        InsertPerLineAppender(PreparedStatement insert) {
            this.insert = insert;
        }

        @Override
        protected void append(ILoggingEvent event) {
            try {
                this.insert.setLong(1, event.getTimeStamp());
                this.insert.setString(2, event.getLevel().toString());
                this.insert.setString(3, event.getLoggerName());
                this.insert.setString(4, event.getThreadName());
                this.insert.setString(5, event.getFormattedMessage());
                this.insert.executeUpdate();
            } catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static Logger quiet(LoggerContext context, String name) {
        Logger logger = context.getLogger(name);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        return logger;
    }

    private static void logLines(Logger logger, int threads, int linesPerThread) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        try {
                            start.await();
                        } catch (InterruptedException ex) {
                            return;
                        }
                        for (int i = 0; i < linesPerThread; i++) {
                            logger.info("order {} shipped to customer {}", i, i % 100);
                        }
                    },
                    "benchmark-" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static double rate(long lines, long nanos) {
        return lines / (nanos / 1e9);
    }
}
