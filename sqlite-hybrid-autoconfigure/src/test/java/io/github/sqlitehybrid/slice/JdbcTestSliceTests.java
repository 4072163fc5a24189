package io.github.sqlitehybrid.slice;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.retry.DbRetryAdvisor;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A user's {@code @JdbcTest} on a SQLite file runs with the starter as the application does: its PRAGMAs, its
 * single writer, {@code @DbRetry} and the write buffer. A URL from a {@code @DynamicPropertySource} is a test
 * database to Boot, which therefore keeps it rather than putting an embedded one in its place.
 */
@JdbcTest
class JdbcTestSliceTests {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + dir.resolve("slice.db"));
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApplicationContext context;

    @Test
    void runsOnTheSingleWriterWithTheStartersPragmas() {
        assertThat(this.dataSource).isInstanceOf(SqliteSingleWriterDataSource.class);
        assertThat(this.jdbc.queryForObject("PRAGMA journal_mode", String.class))
                .isEqualTo("wal");
        assertThat(this.jdbc.queryForObject("PRAGMA foreign_keys", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void hasDbRetryAndTheWriteBuffer() {
        assertThat(this.context.getBeansOfType(DbRetryAdvisor.class)).hasSize(1);
        assertThat(this.context.getBeansOfType(WriteBuffer.class)).hasSize(1);
    }
}
