package io.github.sqlitehybrid.it.jpa.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.retry.DbRetryAdvisor;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import io.github.sqlitehybrid.writer.WriteTurn;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A user's {@code @DataJpaTest} on a SQLite file: the slice runs the starter's auto-configurations, so the
 * repositories under test see the PRAGMAs, the single writer and {@code @DbRetry} the application has. The test's
 * own transaction is a write transaction: it holds the write turn, and is rolled back at the end.
 */
// Flyway and Liquibase are on this module's classpath for their own scenarios; the slice would run them.
@DataJpaTest(
        properties = {
            "spring.jpa.hibernate.ddl-auto=create-drop",
            "spring.flyway.enabled=false",
            "spring.liquibase.enabled=false"
        })
class ClinicRepositoriesSliceTests {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        // A URL from a @DynamicPropertySource is a test database to Boot: it keeps it instead of an embedded one.
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + dir.resolve("slice.db"));
    }

    @Autowired
    OwnerRepository owners;

    @Autowired
    VisitRepository visits;

    @Autowired
    DataSource dataSource;

    @Autowired
    ApplicationContext context;

    @Test
    void repositoriesRunOnTheSingleWriterWithTheStartersPragmasAndRetry() {
        assertThat(this.dataSource).isInstanceOf(SqliteSingleWriterDataSource.class);
        assertThat(new JdbcTemplate(this.dataSource).queryForObject("PRAGMA journal_mode", String.class))
                .isEqualTo("wal");
        assertThat(this.context.getBeansOfType(DbRetryAdvisor.class)).hasSize(1);
        WriteTurn turn = ((SqliteSingleWriterDataSource) this.dataSource).getWriteTurn();
        assertThat(turn.isHeldByCurrentThread())
                .as("the test's transaction holds the write turn")
                .isTrue();
    }

    @Test
    void savesAndFindsInTheTestsTransaction() {
        Owner owner = this.owners.save(new Owner("Ada"));
        this.visits.save(new Visit(
                owner,
                "slice-1",
                "checkup",
                LocalDate.of(2010, 3, 4),
                LocalDateTime.of(2010, 3, 4, 9, 30),
                Instant.parse("2010-03-04T09:30:00Z")));
        assertThat(this.visits.findByRequest("slice-1"))
                .get()
                .extracting(Visit::getDate)
                .isEqualTo(LocalDate.of(2010, 3, 4));
        assertThat(this.visits.countByOwnerId(owner.getId())).isEqualTo(1);
    }
}
