package io.github.sqlitehybrid.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferProperties;
import io.github.sqlitehybrid.retry.DbRetryProperties;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.retry.PostgresLockErrorClassifier;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Buffered upserts end to end against plain JDBC, in one run, each on a fresh database configured alike (SQLite:
 * WAL, {@code synchronous=NORMAL}; PostgreSQL: see below; a HikariCP pool of 4):
 *
 * <ol>
 *   <li>single-row upserts, one transaction each, on one reused prepared statement;
 *   <li>one hand-written transaction: the same upserts on one reused prepared statement, sent as JDBC batches of
 *       1,000;
 *   <li>for scale, hand-written transactions of 100 rows each, the buffer's default batch: what the default
 *       transaction size costs without any buffer;
 *   <li>the same upserts through {@link WriteBuffer} with its default settings, timed from the first call to the
 *       return of the final {@link WriteBuffer#flush()}, when every row is committed;
 *   <li>the same with larger batches, {@code flush-batch-size=5000} and {@code max-pending=20000}.
 * </ol>
 *
 * <p>Each workload is a sequence of upserts of one row shape; every variant runs the same sequence and is
 * checked to hold, for every key, the value of its last call. The first two workloads have distinct keys, so
 * coalescing does not flatter the buffer: in random order (the worst case for small transactions, each of which
 * rewrites pages all over the table) and in ascending order (ids that grow); the third repeats each key 10 times.
 *
 * <p>Each variant runs several rounds, interleaved with the others so a burst of load on the machine hits all of
 * them alike; the report gives the median and the range.
 *
 * <p>Every variant runs on SQLite, then on PostgreSQL: the same statements and the same buffer, only the
 * DataSource differs. The PostgreSQL server is the contention benchmark's (see {@link Benchmarks}): started once
 * from the machine's binaries, {@code fsync=on}, {@code synchronous_commit=off}; where it cannot start, the reason
 * is printed and only SQLite runs.
 *
 * <p>Run: {@code ./mvnw -q -pl sqlite-hybrid-benchmarks -am package -DskipTests} then
 * {@code java -jar sqlite-hybrid-benchmarks/target/sqlite-hybrid-benchmarks.jar write-buffer [upserts [rounds]]}.
 */
public final class WriteBufferBenchmark {

    static final String TABLE = "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, worker TEXT NOT NULL,"
            + " percent INTEGER NOT NULL, updated_at BIGINT NOT NULL)";

    static final String UPSERT = "INSERT INTO progress (job_id, worker, percent, updated_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (job_id) DO UPDATE SET worker = excluded.worker, percent = excluded.percent,"
            + " updated_at = excluded.updated_at";

    private static final int JDBC_BATCH = 1_000;

    private static final int DEFAULT_FLUSH_BATCH_SIZE = new WriteBufferProperties().getFlushBatchSize();

    private WriteBufferBenchmark() {}

    /**
     * Run the benchmark and print its figures.
     * @param args optionally the number of upserts per workload (50,000) and the number of rounds (5)
     * @throws Exception if a variant fails or writes the wrong rows
     */
    public static void main(String[] args) throws Exception {
        int upserts = (args.length > 0) ? Integer.parseInt(args[0]) : 50_000;
        int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
        List<Target> targets = new ArrayList<>(List.of(new SqliteFiles()));
        // Room for a pool of 4 and the connections that create each run's database.
        LocalPostgres postgres = Benchmarks.startPostgres(4);
        if (postgres != null) {
            targets.add(new PostgresDatabases(postgres));
        }
        try {
            for (Target target : targets) {
                report(target, upserts, rounds);
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static void report(Target target, int upserts, int rounds) throws Exception {
        // Warm up the JIT (and the server) on every path before measuring.
        for (Workload workload : List.of(Workload.distinct(5_000, 1), Workload.repeated(5_000, 10, 2))) {
            for (Variant variant : Variant.values()) {
                variant.run(workload, target);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nWrite buffer benchmark: %s, Java %s, %d CPUs; median of %d rounds, variants interleaved, each on a"
                        + " fresh database%n",
                target.describe(),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                rounds);
        for (Workload workload : List.of(
                Workload.distinct(upserts, 42), Workload.ascending(upserts), Workload.repeated(upserts, 10, 43))) {
            Map<Variant, List<Double>> rates = new EnumMap<>(Variant.class);
            long rows = 0;
            for (int round = 0; round < rounds; round++) {
                // Round-robin, so that a burst of load on the machine hits every variant alike.
                for (Variant variant : Variant.values()) {
                    Result result = variant.run(workload, target);
                    rates.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(result.upsertsPerSecond());
                    rows = result.rows();
                }
            }
            System.out.printf(Locale.ROOT, "%n%s; %,d rows in the table afterwards%n", workload.description(), rows);
            System.out.printf(
                    Locale.ROOT, "  %-58s %12s   %s%n", "variant", "upserts/s", "(min - max over the rounds)");
            Map<Variant, Double> medians = new EnumMap<>(Variant.class);
            for (Variant variant : Variant.values()) {
                List<Double> sorted = rates.get(variant).stream().sorted().toList();
                double median = sorted.get(sorted.size() / 2);
                medians.put(variant, median);
                System.out.printf(
                        Locale.ROOT,
                        "  %-58s %,12.0f   (%,.0f - %,.0f)%n",
                        variant.description,
                        median,
                        sorted.get(0),
                        sorted.get(sorted.size() - 1));
            }
            double single = medians.get(Variant.SINGLE_ROW);
            double batch = medians.get(Variant.BATCH);
            for (Variant buffer : List.of(Variant.WRITE_BUFFER, Variant.WRITE_BUFFER_LARGE_BATCHES)) {
                System.out.printf(
                        Locale.ROOT,
                        "  %s: buffer/batch %.2fx, buffer/single-row %.1fx%n",
                        buffer.description.substring(0, 3),
                        medians.get(buffer) / batch,
                        medians.get(buffer) / single);
            }
        }
    }

    /** One way of writing a workload. */
    enum Variant {
        SINGLE_ROW("(a) single-row upserts, one transaction each") {
            @Override
            void write(HikariDataSource dataSource, Workload workload, Target target) throws SQLException {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    for (int call = 0; call < workload.keys().length; call++) {
                        bind(upsert, workload, call);
                        upsert.executeUpdate();
                    }
                }
            }
        },

        BATCH("(b) one hand-written batch transaction") {
            @Override
            void write(HikariDataSource dataSource, Workload workload, Target target) throws SQLException {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    connection.setAutoCommit(false);
                    for (int call = 0; call < workload.keys().length; call++) {
                        bind(upsert, workload, call);
                        upsert.addBatch();
                        if ((call + 1) % JDBC_BATCH == 0) {
                            upsert.executeBatch();
                        }
                    }
                    upsert.executeBatch();
                    connection.commit();
                    connection.setAutoCommit(true);
                }
            }
        },

        SMALL_TRANSACTIONS("(b') hand-written transactions of 100 rows") {
            @Override
            void write(HikariDataSource dataSource, Workload workload, Target target) throws SQLException {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    connection.setAutoCommit(false);
                    for (int call = 0; call < workload.keys().length; call++) {
                        bind(upsert, workload, call);
                        upsert.addBatch();
                        if ((call + 1) % DEFAULT_FLUSH_BATCH_SIZE == 0) {
                            upsert.executeBatch();
                            connection.commit();
                        }
                    }
                    upsert.executeBatch();
                    connection.commit();
                    connection.setAutoCommit(true);
                }
            }
        },

        WRITE_BUFFER("(c) WriteBuffer, defaults (100 rows per transaction)") {
            @Override
            void write(HikariDataSource dataSource, Workload workload, Target target) {
                write(dataSource, workload, target, (properties) -> {});
            }
        },

        WRITE_BUFFER_LARGE_BATCHES("(d) WriteBuffer, flush-batch-size=5000, max-pending=20000") {
            @Override
            void write(HikariDataSource dataSource, Workload workload, Target target) {
                write(dataSource, workload, target, (properties) -> {
                    properties.setFlushBatchSize(5_000);
                    properties.setMaxPending(20_000);
                });
            }
        };

        private final String description;

        Variant(String description) {
            this.description = description;
        }

        abstract void write(HikariDataSource dataSource, Workload workload, Target target) throws SQLException;

        /** The write buffer with the given settings over the defaults. */
        static void write(
                HikariDataSource dataSource,
                Workload workload,
                Target target,
                Consumer<WriteBufferProperties> settings) {
            WriteBufferProperties properties = new WriteBufferProperties();
            settings.accept(properties);
            DbRetryTemplate retry =
                    new DbRetryTemplate(target.lockErrors(), DbRetrySettings.from(new DbRetryProperties()), List.of());
            WriteBuffer buffer = new WriteBuffer(dataSource, properties, retry);
            buffer.start();
            try {
                for (int call = 0; call < workload.keys().length; call++) {
                    buffer.upsert(
                            "progress",
                            Map.of(
                                    "job_id",
                                    workload.keys()[call],
                                    "worker",
                                    worker(call),
                                    "percent",
                                    call % 101,
                                    "updated_at",
                                    (long) call),
                            "job_id");
                }
                buffer.flush();
            } finally {
                buffer.stop();
            }
        }

        /**
         * Write the workload on a fresh database, timed, and check every key holds its last call's value.
         * @param workload the upserts
         * @param target where the fresh database is made
         * @return the figures
         * @throws Exception if writing fails or the rows are not what the calls give
         */
        Result run(Workload workload, Target target) throws Exception {
            try (FreshDatabase database = target.freshDatabase()) {
                HikariDataSource dataSource = database.dataSource();
                try (Connection connection = dataSource.getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute(TABLE);
                }
                long start = System.nanoTime();
                write(dataSource, workload, target);
                long nanos = System.nanoTime() - start;
                long rows = check(dataSource, workload, this);
                return new Result(this, workload.keys().length, nanos, rows);
            }
        }
    }

    static void bind(PreparedStatement upsert, Workload workload, int call) throws SQLException {
        upsert.setInt(1, workload.keys()[call]);
        upsert.setString(2, worker(call));
        upsert.setInt(3, call % 101);
        upsert.setLong(4, call);
    }

    private static String worker(int call) {
        return "worker-" + (call % 16);
    }

    private static long check(HikariDataSource dataSource, Workload workload, Variant variant) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*), sum(updated_at) FROM progress")) {
            result.next();
            long rows = result.getLong(1);
            long lastCalls = result.getLong(2);
            if (rows != workload.distinctKeys() || lastCalls != workload.lastCallSum()) {
                throw new IllegalStateException(variant + " wrote " + rows + " rows (expected "
                        + workload.distinctKeys() + ") with sum(updated_at) " + lastCalls + " (expected "
                        + workload.lastCallSum() + ")");
            }
            return rows;
        }
    }

    /** Where the variants write: a fresh, empty database for every run. */
    interface Target {

        /**
         * The database and its settings, for the report.
         * @return a description
         * @throws Exception if the database cannot be asked its version
         */
        String describe() throws Exception;

        /**
         * A pool of 4 on a new, empty database.
         * @return the database, removed when closed where that is cheap
         * @throws IOException if it cannot be made
         */
        FreshDatabase freshDatabase() throws IOException;

        /**
         * What the buffer's retries take for a lock error on this database.
         * @return the classifier
         */
        LockErrorClassifier lockErrors();
    }

    /**
     * A pool on a database made for one run.
     * @param dataSource the pool
     * @param folder a folder to delete after the pool is closed, {@code null} for none
     */
    record FreshDatabase(
            HikariDataSource dataSource, @Nullable Path folder) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            this.dataSource.close();
            if (this.folder != null) {
                delete(this.folder);
            }
        }
    }

    /** A file of its own for every run, in a folder of its own, with the settings services use. */
    static final class SqliteFiles implements Target {

        @Override
        public String describe() throws IOException, SQLException {
            try (FreshDatabase database = freshDatabase();
                    Connection connection = database.dataSource().getConnection()) {
                return "SQLite " + connection.getMetaData().getDatabaseProductVersion() + ", WAL, synchronous=NORMAL";
            }
        }

        @Override
        public FreshDatabase freshDatabase() throws IOException {
            Path folder = Files.createTempDirectory("sqlite-hybrid-benchmark");
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl("jdbc:sqlite:" + folder.resolve("benchmark.db"));
            dataSource.setMaximumPoolSize(4);
            dataSource.addDataSourceProperty("journal_mode", "WAL");
            dataSource.addDataSourceProperty("synchronous", "NORMAL");
            dataSource.addDataSourceProperty("busy_timeout", "5000");
            return new FreshDatabase(dataSource, folder);
        }

        @Override
        public LockErrorClassifier lockErrors() {
            return new SqliteLockErrorClassifier();
        }
    }

    /**
     * A database of its own for every run on one PostgreSQL server; the databases go with the server.
     * @param server the running server
     */
    record PostgresDatabases(LocalPostgres server) implements Target {

        @Override
        public String describe() throws IOException, SQLException {
            try (FreshDatabase database = freshDatabase();
                    Connection connection = database.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet settings =
                            statement.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'),"
                                    + " current_setting('synchronous_commit')")) {
                settings.next();
                return "PostgreSQL " + settings.getString(1) + ", fsync=" + settings.getString(2)
                        + ", synchronous_commit=" + settings.getString(3);
            }
        }

        @Override
        public FreshDatabase freshDatabase() {
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(this.server.createDatabase("buffer"));
            dataSource.setUsername(LocalPostgres.USER);
            dataSource.setMaximumPoolSize(4);
            return new FreshDatabase(dataSource, null);
        }

        @Override
        public LockErrorClassifier lockErrors() {
            return new PostgresLockErrorClassifier();
        }
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * A sequence of upserts: the key of each call; call {@code i} writes {@code updated_at = i}.
     *
     * @param description what it is, for the report
     * @param keys the key of each call
     * @param distinctKeys how many keys there are
     * @param lastCallSum the sum over keys of the index of the last call on each: what {@code sum(updated_at)}
     *     must be
     */
    record Workload(String description, int[] keys, int distinctKeys, long lastCallSum) {

        static Workload distinct(int upserts, long seed) {
            int[] keys = shuffled(upserts, seed);
            return new Workload(
                    String.format(Locale.ROOT, "%,d upserts of %,d distinct keys in random order", upserts, upserts),
                    keys,
                    upserts,
                    (long) upserts * (upserts - 1) / 2);
        }

        static Workload ascending(int upserts) {
            int[] keys = new int[upserts];
            for (int i = 0; i < upserts; i++) {
                keys[i] = i;
            }
            return new Workload(
                    String.format(
                            Locale.ROOT,
                            "%,d upserts of %,d distinct keys in ascending order, as growing ids arrive",
                            upserts,
                            upserts),
                    keys,
                    upserts,
                    (long) upserts * (upserts - 1) / 2);
        }

        static Workload repeated(int upserts, int repeats, long seed) {
            int distinct = upserts / repeats;
            int[] order = shuffled(upserts, seed);
            int[] keys = new int[upserts];
            long[] last = new long[distinct];
            for (int call = 0; call < upserts; call++) {
                keys[call] = order[call] % distinct;
                last[keys[call]] = call;
            }
            long sum = 0;
            for (long call : last) {
                sum += call;
            }
            return new Workload(
                    String.format(
                            Locale.ROOT,
                            "%,d upserts of %,d keys, each written %d times in random order",
                            upserts,
                            distinct,
                            repeats),
                    keys,
                    distinct,
                    sum);
        }

        private static int[] shuffled(int size, long seed) {
            int[] values = new int[size];
            for (int i = 0; i < size; i++) {
                values[i] = i;
            }
            Random random = new Random(seed);
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = values[i];
                values[i] = values[j];
                values[j] = swap;
            }
            return values;
        }
    }

    /**
     * The figures of one variant on one workload.
     *
     * @param variant the variant
     * @param upserts calls made
     * @param nanos time from the first call until every row was committed
     * @param rows rows in the table afterwards
     */
    record Result(Variant variant, int upserts, long nanos, long rows) {

        double upsertsPerSecond() {
            return this.upserts / (this.nanos / 1e9);
        }
    }
}
