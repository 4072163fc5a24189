package io.github.sqlitehybrid.it.migrations.liquibase;

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
 * Liquibase through Boot's auto-configuration: a first release updates a fresh file, a second release whose
 * changelog has one more change set starts on the same file, and each time the application then writes from eight
 * threads. With the starter, the schema is as the change sets say, each change set is in the history once, the
 * changelog lock is released, and every write succeeds.
 */
class LiquibaseMigrationsTests {

    private static final String CHANGELOGS = "classpath:io/github/sqlitehybrid/it/migrations/liquibase/";

    private static final TestApplication FIRST_RELEASE = TestApplication.of(LiquibaseApplication.class)
            .with(Stack.LIQUIBASE)
            .property("spring.liquibase.change-log", CHANGELOGS + "changelog-base.yaml");

    private static final TestApplication SECOND_RELEASE = TestApplication.of(LiquibaseApplication.class)
            .with(Stack.LIQUIBASE)
            .property("spring.liquibase.change-log", CHANGELOGS + "changelog-next.yaml");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void updatesAFreshFileThenAnExistingOneAndTheApplicationWritesOnIt() throws Exception {
        Path starterFile = this.dir.resolve("starter.db");
        Release first = Release.start(FIRST_RELEASE, starterFile, true, false, LiquibaseMigrationsTests::history);
        Release second = Release.start(SECOND_RELEASE, starterFile, true, true, LiquibaseMigrationsTests::history);
        Path plainFile = this.dir.resolve("plain.db");
        Release plainFirst = Release.start(FIRST_RELEASE, plainFile, false, false, LiquibaseMigrationsTests::history);
        Release plainSecond = Release.start(SECOND_RELEASE, plainFile, false, true, LiquibaseMigrationsTests::history);
        Figures.print("Liquibase, first release on a fresh file", first, plainFirst);
        Figures.print("Liquibase, second release on the same file", second, plainSecond);

        assertThat(first.history()).containsExactly("1 EXECUTED", "2 EXECUTED", "3 EXECUTED", "lock released");
        assertThat(first.schema())
                .containsExactly(
                        "customer(id, name, total)",
                        "purchase(id, customer_id, amount)",
                        "purchase.customer_id -> customer.id");
        assertThat(first.purchases().failures())
                .as(first.purchases().examples().toString())
                .isEmpty();
        assertThat(first.totalsAgree()).isTrue();

        assertThat(second.history())
                .containsExactly("1 EXECUTED", "2 EXECUTED", "3 EXECUTED", "4 EXECUTED", "lock released");
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

    // Every change set row in the order it ran, then the state of the changelog lock.
    private static List<String> history(JdbcTemplate jdbc) {
        List<String> history = jdbc.query(
                "SELECT ID, EXECTYPE FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED",
                (row, i) -> row.getString("ID") + " " + row.getString("EXECTYPE"));
        Integer held = jdbc.queryForObject("SELECT count(*) FROM DATABASECHANGELOGLOCK WHERE LOCKED", Integer.class);
        history.add((held == 0) ? "lock released" : "lock HELD");
        return history;
    }
}
