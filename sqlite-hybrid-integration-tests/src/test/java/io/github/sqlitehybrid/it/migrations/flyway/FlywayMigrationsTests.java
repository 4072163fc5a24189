package io.github.sqlitehybrid.it.migrations.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.migrations.Release;
import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Flyway through Boot's auto-configuration: a first release migrates a fresh file, a second release with one more
 * migration starts on the same file, and each time the application then writes from eight threads. With the
 * starter, the schema is as the migrations say, each migration is in the history once, and every write succeeds.
 */
class FlywayMigrationsTests {

    private static final String MIGRATIONS = "classpath:io/github/sqlitehybrid/it/migrations/flyway/";

    private static final TestApplication FIRST_RELEASE = TestApplication.of(FlywayApplication.class)
            .with(Stack.FLYWAY)
            .property("spring.flyway.locations", MIGRATIONS + "base");

    private static final TestApplication SECOND_RELEASE = TestApplication.of(FlywayApplication.class)
            .with(Stack.FLYWAY)
            .property("spring.flyway.locations", MIGRATIONS + "base," + MIGRATIONS + "next");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void migratesAFreshFileThenAnExistingOneAndTheApplicationWritesOnIt() throws Exception {
        Path starterFile = this.dir.resolve("starter.db");
        Release first = Release.start(FIRST_RELEASE, starterFile, true, false, FlywayMigrationsTests::history);
        Release second = Release.start(SECOND_RELEASE, starterFile, true, true, FlywayMigrationsTests::history);
        Path plainFile = this.dir.resolve("plain.db");
        Release plainFirst = Release.start(FIRST_RELEASE, plainFile, false, false, FlywayMigrationsTests::history);
        Release plainSecond = Release.start(SECOND_RELEASE, plainFile, false, true, FlywayMigrationsTests::history);
        Figures.print("Flyway, first release on a fresh file", first, plainFirst);
        Figures.print("Flyway, second release on the same file", second, plainSecond);

        assertThat(first.history()).containsExactly("1 ok", "2 ok");
        assertThat(first.schema())
                .containsExactly(
                        "customer(id, name, total)",
                        "purchase(id, customer_id, amount)",
                        "purchase.customer_id -> customer.id");
        assertThat(first.purchases().failures())
                .as(first.purchases().examples().toString())
                .isEmpty();
        assertThat(first.totalsAgree()).isTrue();

        assertThat(second.history()).containsExactly("1 ok", "2 ok", "3 ok");
        assertThat(second.schema())
                .containsExactly(
                        "customer(id, name, total)",
                        "purchase(id, customer_id, amount, note)",
                        "purchase.customer_id -> customer.id",
                        "index purchase_customer ON purchase");
        assertThat(second.purchases().failures())
                .as(second.purchases().examples().toString())
                .isEmpty();
        assertThat(second.totalsAgree()).isTrue();
    }

    // Every row, failed migrations and any other kind of entry included.
    private static List<String> history(JdbcTemplate jdbc) {
        return jdbc.query(
                "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank",
                (row, i) -> row.getString("version") + (row.getBoolean("success") ? " ok" : " failed"));
    }
}
