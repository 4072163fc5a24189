package io.github.sqlitehybrid.buffer;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.retry.DbRetrySettings;
import io.github.sqlitehybrid.retry.DbRetryTemplate;
import io.github.sqlitehybrid.retry.LockStatistics;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;

/** A SQLite file in WAL mode behind a small HikariCP pool, as the starter configures one. */
final class TestDatabase implements AutoCloseable {

    /** Lock retries quick enough for tests: 8 attempts, 20ms to 200ms apart. */
    static final DbRetrySettings QUICK_RETRIES =
            new DbRetrySettings(8, Duration.ofMillis(20), Duration.ofMillis(200), 2.0, true);

    final Path file;

    final HikariDataSource dataSource;

    final JdbcTemplate jdbc;

    final LockStatistics lockStatistics = new LockStatistics();

    TestDatabase(Path file) {
        this(file, 5000);
    }

    TestDatabase(Path file, int busyTimeoutMillis) {
        this.file = file;
        this.dataSource = new HikariDataSource();
        this.dataSource.setJdbcUrl("jdbc:sqlite:" + file);
        this.dataSource.setMaximumPoolSize(4);
        this.dataSource.addDataSourceProperty("journal_mode", "WAL");
        this.dataSource.addDataSourceProperty("synchronous", "NORMAL");
        this.dataSource.addDataSourceProperty("busy_timeout", String.valueOf(busyTimeoutMillis));
        this.jdbc = new JdbcTemplate(this.dataSource);
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

    DbRetryTemplate retryTemplate(DbRetrySettings settings) {
        return new DbRetryTemplate(new SqliteLockErrorClassifier(), settings, List.of(this.lockStatistics));
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

    @Override
    public void close() {
        this.dataSource.close();
    }
}
