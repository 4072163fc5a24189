package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.buffer.WriteBufferAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ordinary transactions, group commit and the write buffer's flushes on one file at once: each takes the
 * same write turn, so with {@code busy_timeout=0}, where any contention reaching SQLite fails at once, none
 * meets a lock error.
 */
class WritersShareTheWriteTurnTests {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void transactionsGroupsAndBufferFlushesShareTheWriteTurnWithoutLockErrors() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class,
                        SqlitePragmaAutoConfiguration.class,
                        DbRetryAutoConfiguration.class,
                        SingleWriterAutoConfiguration.class,
                        GroupCommitAutoConfiguration.class,
                        WriteBufferAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("shared.db"),
                        "sqlite.hybrid.pragmas.busy-timeout=0",
                        "sqlite.hybrid.write-buffer.flush-interval=20ms",
                        "sqlite.hybrid.write-buffer.flush-batch-size=50")
                .run((context) -> {
                    assertThat(context.getBean(DataSource.class)).isInstanceOf(SqliteSingleWriterDataSource.class);
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("CREATE TABLE rows (source TEXT NOT NULL, thread INTEGER NOT NULL,"
                            + " seq INTEGER NOT NULL, PRIMARY KEY (source, thread, seq))");
                    jdbc.execute("CREATE TABLE progress (thread INTEGER PRIMARY KEY, seq INTEGER NOT NULL)");
                    WriteBuffer buffer = context.getBean(WriteBuffer.class);
                    GroupCommitWriter writer = context.getBean(GroupCommitWriter.class);
                    TransactionTemplate transaction =
                            new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
                    List<Callable<Void>> tasks = new ArrayList<>();
                    for (int t = 0; t < 16; t++) {
                        int thread = t;
                        boolean grouped = (t % 2 == 0);
                        tasks.add(() -> {
                            for (int seq = 0; seq < 300; seq++) {
                                int n = seq;
                                // Progress of every thread goes through the buffer, flushed every 20 ms meanwhile.
                                buffer.upsert("progress", Map.of("thread", thread, "seq", n), "thread");
                                if (grouped) {
                                    writer.execute((unit) ->
                                            unit.update("INSERT INTO rows VALUES ('group', ?, ?)", thread, n));
                                } else {
                                    transaction.executeWithoutResult((status) ->
                                            jdbc.update("INSERT INTO rows VALUES ('transaction', ?, ?)", thread, n));
                                }
                            }
                            return null;
                        });
                    }
                    ExecutorService pool = Executors.newFixedThreadPool(16);
                    try {
                        for (Future<Void> result : pool.invokeAll(tasks, 90, TimeUnit.SECONDS)) {
                            result.get();
                        }
                    } finally {
                        pool.shutdownNow();
                    }
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM rows WHERE source = 'group'", Integer.class))
                            .isEqualTo(8 * 300);
                    assertThat(jdbc.queryForObject(
                                    "SELECT count(*) FROM rows WHERE source = 'transaction'", Integer.class))
                            .isEqualTo(8 * 300);
                    buffer.flush();
                    assertThat(jdbc.queryForList("SELECT seq FROM progress ORDER BY thread", Integer.class))
                            .hasSize(16)
                            .containsOnly(299);
                    assertThat(buffer.stats().failed()).isZero();
                    WriteTurn turn = ((SqliteSingleWriterDataSource) context.getBean(DataSource.class)).getWriteTurn();
                    assertThat(turn.stats().timeouts()).isZero();
                    assertThat(turn.holder()).isNull();
                });
    }
}
