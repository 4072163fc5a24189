package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.pragma.PragmaProperties;
import io.github.sqlitehybrid.pragma.SqliteDatabaseInspector;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.pragma.SqlitePragmas;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.sqlite.SQLiteDataSource;

class SqliteHealthIndicatorTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteHealthContributorAutoConfiguration.class));

    @Test
    void isUpWithTheConfiguredJournalModeInEffect() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("health.db"))
                .run((context) -> {
                    Health health = context.getBean("sqliteHealthIndicator", SqliteHealthIndicator.class)
                            .health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails())
                            .containsEntry("journalMode", "wal")
                            .containsEntry("path", this.dir.resolve("health.db").toString())
                            .containsKey("walSizeBytes");
                });
    }

    @Test
    void isDownWhenTheJournalModeInEffectIsNotTheConfiguredOne() {
        // Connections that never got the PRAGMAs stay in SQLite's default 'delete' mode, as on a file
        // system where WAL cannot work.
        SQLiteDataSource unconfigured = new SQLiteDataSource();
        unconfigured.setUrl("jdbc:sqlite:" + this.dir.resolve("nowal.db"));
        SqlitePragmas expectingWal = SqlitePragmas.from(new PragmaProperties());
        Health health = new SqliteHealthIndicator(new SqliteDatabaseInspector(unconfigured, expectingWal)).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails())
                .containsEntry("journalMode", "delete")
                .containsEntry("expectedJournalMode", "wal");
        assertThat((String) health.getDetails().get("reason")).contains("sqlite.hybrid.pragmas.journal-mode");
    }

    @Test
    void isDownWhenTheDatabaseCannotBeOpened() {
        SQLiteDataSource missing = new SQLiteDataSource();
        missing.setUrl("jdbc:sqlite:" + this.dir.resolve("no/such/dir/app.db"));
        Health health = new SqliteHealthIndicator(
                        new SqliteDatabaseInspector(missing, SqlitePragmas.from(new PragmaProperties())))
                .health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsKey("error");
    }

    @Test
    void isUpForAnInMemoryDatabase() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:")
                .run((context) -> assertThat(context.getBean(SqliteHealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.UP));
    }

    @Test
    void backsOffWhenHealthIndicatorIsDisabled() {
        this.contextRunner
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("health.db"),
                        "management.health.sqlite.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(SqliteHealthIndicator.class));
    }

    @Test
    void backsOffWithoutADataSource() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        SqlitePragmaAutoConfiguration.class, SqliteHealthContributorAutoConfiguration.class))
                .run((context) -> assertThat(context).doesNotHaveBean(SqliteHealthIndicator.class));
    }
}
