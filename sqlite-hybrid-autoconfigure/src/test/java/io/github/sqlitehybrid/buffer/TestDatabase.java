package io.github.sqlitehybrid.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.LockErrorClassifier;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.retry.PostgresLockErrorClassifier;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A database for the write buffer's tests, behind a small HikariCP pool: a SQLite file in WAL mode as the starter
 * configures one, or a schema of its own in a database of the throwaway PostgreSQL server of {@link LocalPostgres}
 * (the test is skipped, or fails where PostgreSQL is required, when no server can run).
 */
final class TestDatabase implements AutoCloseable {

    /** Lock retries quick enough for tests: 8 attempts, 20ms to 200ms apart. */
    static final DbRetrySettings QUICK_RETRIES =
            new DbRetrySettings(8, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, true);

    private static final AtomicInteger schemas = new AtomicInteger();

    private static @Nullable String postgresDatabase;

    /** The databases the buffer's scenarios run on. */
    enum Kind {
        SQLITE,
        POSTGRESQL
    }

    final Kind kind;

    final @Nullable Path file;

    /** The JDBC URL; on PostgreSQL its {@code currentSchema} is this database's own schema. */
    final String url;

    final HikariDataSource dataSource;

    final JdbcTemplate jdbc;

    final LockStatistics lockStatistics = new LockStatistics();

    private final @Nullable String schema;

    private final @Nullable String baseUrl;

    TestDatabase(Path file) {
        this(file, 5000);
    }

    TestDatabase(Path file, int busyTimeoutMillis) {
        this.kind = Kind.SQLITE;
        this.file = file;
        this.schema = null;
        this.baseUrl = null;
        this.url = "jdbc:sqlite:" + file;
        this.dataSource = new HikariDataSource();
        this.dataSource.setJdbcUrl(this.url);
        this.dataSource.setMaximumPoolSize(4);
        this.dataSource.addDataSourceProperty("journal_mode", "WAL");
        this.dataSource.addDataSourceProperty("synchronous", "NORMAL");
        this.dataSource.addDataSourceProperty("busy_timeout", String.valueOf(busyTimeoutMillis));
        this.jdbc = new JdbcTemplate(this.dataSource);
    }

    private TestDatabase(String baseUrl, String schema, int lockTimeoutMillis) {
        this.kind = Kind.POSTGRESQL;
        this.file = null;
        this.schema = schema;
        this.baseUrl = baseUrl;
        this.url = baseUrl + "?currentSchema=" + schema;
        this.dataSource = new HikariDataSource();
        this.dataSource.setJdbcUrl(this.url);
        this.dataSource.setUsername(LocalPostgres.USER);
        this.dataSource.setPassword("");
        this.dataSource.setMaximumPoolSize(4);
        // As SQLite's busy timeout: how long a statement waits for another transaction's lock before it fails.
        this.dataSource.addDataSourceProperty("options", "-c lock_timeout=" + lockTimeoutMillis);
        this.jdbc = new JdbcTemplate(this.dataSource);
    }

    /**
     * A new, empty database of the given kind.
     * @param kind SQLite or PostgreSQL
     * @param dir a folder for a SQLite file
     * @param name the SQLite file's name
     * @param lockTimeoutMillis SQLite's busy timeout, PostgreSQL's lock timeout
     * @return the database
     */
    static TestDatabase create(Kind kind, Path dir, String name, int lockTimeoutMillis) {
        if (kind == Kind.SQLITE) {
            return new TestDatabase(dir.resolve(name + ".db"), lockTimeoutMillis);
        }
        String base = postgresDatabase();
        String schema = "t" + schemas.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(base, LocalPostgres.USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
        return new TestDatabase(base, schema, lockTimeoutMillis);
    }

    static TestDatabase create(Kind kind, Path dir, String name) {
        return create(kind, dir, name, 5000);
    }

    /** One database on the shared server for the whole test run; each test gets a schema of its own in it. */
    private static synchronized String postgresDatabase() {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        if (postgresDatabase == null) {
            postgresDatabase = server.createDatabase("write_buffer");
        }
        return postgresDatabase;
    }

    boolean isSqlite() {
        return this.kind == Kind.SQLITE;
    }

    /**
     * The statement for this database: SQLite's or PostgreSQL's spelling of the same schema.
     * @param sqlite the SQLite statement
     * @param postgres the PostgreSQL statement
     * @return the one for this database
     */
    String pick(String sqlite, String postgres) {
        return isSqlite() ? sqlite : postgres;
    }

    /**
     * An integer key the database assigns when a row gives none: SQLite's rowid alias, a PostgreSQL identity.
     * @return the column type and constraint
     */
    String generatedKey() {
        return pick("INTEGER PRIMARY KEY", "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    }

    void execute(String... statements) {
        for (String statement : statements) {
            this.jdbc.execute(statement);
        }
    }

    List<Map<String, Object>> rows(String sql) {
        return this.jdbc.queryForList(sql);
    }

    long count(String table) {
        Long count = this.jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
        return (count != null) ? count : 0;
    }

    LockErrorClassifier classifier() {
        return isSqlite() ? new SqliteLockErrorClassifier() : new PostgresLockErrorClassifier();
    }

    DbRetryTemplate retryTemplate(DbRetrySettings settings) {
        return new DbRetryTemplate(classifier(), settings, List.of(this.lockStatistics));
    }

    WriteBuffer buffer(Consumer<WriteBufferProperties> settings) {
        return buffer(settings, QUICK_RETRIES);
    }

    WriteBuffer buffer(Consumer<WriteBufferProperties> settings, DbRetrySettings retries) {
        WriteBufferProperties properties = new WriteBufferProperties();
        settings.accept(properties);
        return new WriteBuffer(this.dataSource, properties, retryTemplate(retries));
    }

    WriteBuffer buffer() {
        return buffer((properties) -> {});
    }

    /** A connection of its own, outside the pool, as another process would have. */
    Connection connect() throws SQLException {
        return isSqlite()
                ? DriverManager.getConnection(this.url)
                : DriverManager.getConnection(this.url, LocalPostgres.USER, "");
    }

    /**
     * Hold a lock that stops the buffer's writes to {@code table}, from another connection: SQLite's write lock,
     * or on PostgreSQL an EXCLUSIVE lock on the table.
     * @param table the table the buffer writes
     * @param duration how long to hold it
     * @return completes when the lock is released
     */
    CompletableFuture<Void> holdWriteLock(String table, Duration duration) throws InterruptedException {
        CountDownLatch locked = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try (Connection connection = connect();
                    Statement statement = connection.createStatement()) {
                if (isSqlite()) {
                    statement.execute("BEGIN IMMEDIATE");
                    statement.execute("SELECT count(*) FROM " + table);
                } else {
                    connection.setAutoCommit(false);
                    statement.execute("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
                }
                locked.countDown();
                Thread.sleep(duration.toMillis());
                statement.execute("COMMIT");
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    @Override
    public void close() {
        this.dataSource.close();
        if (this.schema != null && this.baseUrl != null) {
            try (Connection connection = DriverManager.getConnection(this.baseUrl, LocalPostgres.USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + this.schema + " CASCADE");
            } catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }
}
