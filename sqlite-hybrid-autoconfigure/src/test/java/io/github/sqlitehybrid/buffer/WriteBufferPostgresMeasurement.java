package io.github.sqlitehybrid.buffer;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.retry.DbRetryProperties;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The write buffer on PostgreSQL against plain JDBC, modelled on the benchmarks module's
 * {@code WriteBufferBenchmark}: (a) single-row upserts, one transaction each; (b) one hand-written transaction
 * sending the upserts as JDBC batches of 1,000; (c) the buffer with its defaults (100 rows per transaction);
 * (d) the buffer with {@code flush-batch-size=5000}. Each on a fresh table, variants interleaved, median of the
 * rounds; every variant is checked to leave each key with its last call's value. Not a test: run it by hand.
 *
 * <p>Run from the repository's root, after {@code ./mvnw -q -pl sqlite-hybrid-autoconfigure -am test-compile}:
 * {@code java -cp <test classpath> io.github.sqlitehybrid.buffer.WriteBufferPostgresMeasurement [upserts [rounds
 * [durable|fast]]]}. {@code durable} (the default) starts a server with PostgreSQL's default settings (fsync and
 * synchronous commit on); {@code fast} the tests' settings (both off).
 */
public final class WriteBufferPostgresMeasurement {

    private static final String TABLE = "CREATE TABLE progress (job_id INTEGER PRIMARY KEY, worker TEXT NOT NULL,"
            + " percent INTEGER NOT NULL, updated_at BIGINT NOT NULL)";

    private static final String UPSERT = "INSERT INTO progress (job_id, worker, percent, updated_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET worker = excluded.worker,"
            + " percent = excluded.percent, updated_at = excluded.updated_at";

    private WriteBufferPostgresMeasurement() {}

    public static void main(String[] args) throws Exception {
        int upserts = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
        int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
        boolean durable = args.length <= 2 || !args[2].equals("fast");
        Map<String, String> settings =
                durable ? Map.of() : Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off");
        try (LocalPostgres server = LocalPostgres.start(settings)) {
            String url = server.createDatabase("measure");
            String version;
            try (Connection connection = java.sql.DriverManager.getConnection(url, LocalPostgres.USER, "");
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SHOW server_version")) {
                rows.next();
                version = rows.getString(1);
            }
            for (boolean rewrite : new boolean[] {false, true}) {
                // Warm up the JIT and the server.
                for (Variant variant : Variant.values()) {
                    variant.run(url, rewrite, keys(2_000, 1, 7));
                }
                System.out.printf(
                        Locale.ROOT,
                        "%nPostgreSQL %s (%s), pgjdbc reWriteBatchedInserts=%s, Java %s, %d CPUs, %d upserts,"
                                + " median of %d rounds%n",
                        version,
                        durable ? "fsync and synchronous_commit on" : "fsync and synchronous_commit off",
                        rewrite,
                        System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors(),
                        upserts,
                        rounds);
                for (int repeat : new int[] {1, 10}) {
                    int[] keys = keys(upserts, repeat, 42);
                    Map<Variant, List<Double>> rates = new EnumMap<>(Variant.class);
                    Map<Variant, String> failures = new EnumMap<>(Variant.class);
                    for (int round = 0; round < rounds; round++) {
                        for (Variant variant : Variant.values()) {
                            if (variant == Variant.SINGLE_ROW && rewrite) {
                                continue; // a batch option: single rows are not batched
                            }
                            double rate;
                            try {
                                rate = variant.run(url, rewrite, keys);
                            } catch (SQLException ex) {
                                // The rewritten multi-row upsert meets one key twice: 21000, not a figure.
                                rate = Double.NaN;
                                failures.put(variant, ex.getSQLState() + " " + firstLine(ex));
                            }
                            rates.computeIfAbsent(variant, (key) -> new ArrayList<>())
                                    .add(rate);
                        }
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "  %s keys in random order, each upserted %d time(s):%n",
                            (repeat == 1) ? "distinct" : "repeated",
                            repeat);
                    rates.forEach((variant, list) -> {
                        if (failures.containsKey(variant)) {
                            System.out.printf(
                                    Locale.ROOT, "    %-52s fails: %s%n", variant.description, failures.get(variant));
                            return;
                        }
                        List<Double> sorted = list.stream().sorted().toList();
                        System.out.printf(
                                Locale.ROOT,
                                "    %-52s %,10.0f upserts/s  (%,.0f - %,.0f)%n",
                                variant.description,
                                sorted.get(sorted.size() / 2),
                                sorted.get(0),
                                sorted.get(sorted.size() - 1));
                    });
                }
            }
        }
    }

    private static String firstLine(SQLException ex) {
        SQLException cause = (ex.getNextException() != null) ? ex.getNextException() : ex;
        String message = String.valueOf(cause.getMessage());
        int end = message.indexOf('\n');
        return (end > 0) ? message.substring(0, end) : message;
    }

    /** Keys in random order: {@code count / repeat} distinct keys, each {@code repeat} times. */
    private static int[] keys(int count, int repeat, long seed) {
        int[] keys = new int[count];
        for (int i = 0; i < count; i++) {
            keys[i] = i / repeat;
        }
        Random random = new Random(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = keys[i];
            keys[i] = keys[j];
            keys[j] = swap;
        }
        return keys;
    }

    private enum Variant {
        SINGLE_ROW("(a) single-row upserts, one transaction each") {
            @Override
            void write(HikariDataSource dataSource, int[] keys) throws SQLException {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    for (int call = 0; call < keys.length; call++) {
                        bind(upsert, keys, call);
                        upsert.executeUpdate();
                    }
                }
            }
        },

        BATCH("(b) one hand-written transaction, JDBC batches of 1000") {
            @Override
            void write(HikariDataSource dataSource, int[] keys) throws SQLException {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
                    connection.setAutoCommit(false);
                    for (int call = 0; call < keys.length; call++) {
                        bind(upsert, keys, call);
                        upsert.addBatch();
                        if ((call + 1) % 1_000 == 0) {
                            upsert.executeBatch();
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
            void write(HikariDataSource dataSource, int[] keys) {
                buffered(dataSource, keys, (properties) -> {});
            }
        },

        WRITE_BUFFER_LARGE_BATCHES("(d) WriteBuffer, flush-batch-size=5000") {
            @Override
            void write(HikariDataSource dataSource, int[] keys) {
                buffered(dataSource, keys, (properties) -> {
                    properties.setFlushBatchSize(5_000);
                    properties.setMaxPending(20_000);
                });
            }
        };

        private final String description;

        Variant(String description) {
            this.description = description;
        }

        abstract void write(HikariDataSource dataSource, int[] keys) throws SQLException;

        /** Write on a fresh table; check every key's last value; the upserts per second. */
        double run(String url, boolean rewrite, int[] keys) throws SQLException {
            try (HikariDataSource dataSource = new HikariDataSource()) {
                dataSource.setJdbcUrl(url);
                dataSource.setUsername(LocalPostgres.USER);
                dataSource.setPassword("");
                dataSource.setMaximumPoolSize(4);
                dataSource.addDataSourceProperty("reWriteBatchedInserts", String.valueOf(rewrite));
                try (Connection connection = dataSource.getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute("DROP TABLE IF EXISTS progress");
                    statement.execute(TABLE);
                }
                long start = System.nanoTime();
                write(dataSource, keys);
                long nanos = System.nanoTime() - start;
                check(dataSource, keys);
                return keys.length / (nanos / 1e9);
            }
        }

        private static void check(HikariDataSource dataSource, int[] keys) throws SQLException {
            Map<Integer, Long> last = new HashMap<>();
            for (int call = 0; call < keys.length; call++) {
                last.put(keys[call], (long) call);
            }
            Map<Integer, Long> actual = new HashMap<>();
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT job_id, updated_at FROM progress")) {
                while (rows.next()) {
                    actual.put(rows.getInt(1), rows.getLong(2));
                }
            }
            if (!actual.equals(last)) {
                throw new IllegalStateException("the table does not hold each key's last value");
            }
        }

        private static void bind(PreparedStatement upsert, int[] keys, int call) throws SQLException {
            upsert.setInt(1, keys[call]);
            upsert.setString(2, "worker-" + (call % 16));
            upsert.setInt(3, call % 101);
            upsert.setLong(4, call);
        }

        private static void buffered(
                HikariDataSource dataSource, int[] keys, Consumer<WriteBufferProperties> settings) {
            WriteBufferProperties properties = new WriteBufferProperties();
            settings.accept(properties);
            DbRetryTemplate retry =
                    new DbRetryTemplate((failure) -> null, DbRetrySettings.from(new DbRetryProperties()), List.of());
            WriteBuffer buffer = new WriteBuffer(dataSource, properties, retry);
            buffer.start();
            try {
                for (int call = 0; call < keys.length; call++) {
                    buffer.upsert(
                            "progress",
                            Map.of(
                                    "job_id",
                                    keys[call],
                                    "worker",
                                    "worker-" + (call % 16),
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
    }
}
