package io.github.sqlitehybrid.it.jpa.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code LocalDate}, {@code LocalDateTime} and {@code Instant} with Hibernate on SQLite: what the application writes
 * it reads back, range queries compare them correctly, and dates a file already holds as text (as PetClinic's
 * {@code data.sql} writes them) are read too.
 */
class JpaDatesTests {

    private static final TestApplication CLINIC =
            TestApplication.of(ClinicApplication.class).with(Stack.JPA);

    @TempDir
    Path dir;

    @Test
    void temporalValuesRoundTripAndRangeQueriesCompareThem() {
        try (ConfigurableApplicationContext context =
                CLINIC.property("spring.jpa.hibernate.ddl-auto", "update").start(this.dir.resolve("dates.db"), true)) {
            Owner owner = context.getBean(OwnerRepository.class).save(new Owner("Ada"));
            VisitRepository visits = context.getBean(VisitRepository.class);
            LocalDateTime bookedAt = LocalDateTime.of(2013, 1, 1, 12, 30, 15, 123_000_000);
            Instant recordedAt = Instant.parse("2024-05-06T07:08:09.123Z");
            for (LocalDate date : List.of(
                    LocalDate.of(2010, 3, 4),
                    LocalDate.of(2009, 12, 31),
                    LocalDate.of(2010, 11, 2),
                    LocalDate.of(2011, 1, 1))) {
                visits.save(new Visit(owner, "visit-" + date, "checkup", date, bookedAt, recordedAt));
            }
            Visit read = visits.findByRequest("visit-2010-03-04").orElseThrow();
            assertThat(read.getDate()).isEqualTo(LocalDate.of(2010, 3, 4));
            assertThat(read.getBookedAt()).isEqualTo(bookedAt);
            assertThat(read.getRecordedAt()).isEqualTo(recordedAt);
            assertThat(visits.findByDateBetweenOrderByDateAsc(LocalDate.of(2010, 1, 1), LocalDate.of(2010, 12, 31)))
                    .extracting(Visit::getDate)
                    .containsExactly(LocalDate.of(2010, 3, 4), LocalDate.of(2010, 11, 2));
            System.out.println("[stack] JPA dates stored as: "
                    + new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
                            .queryForMap("SELECT date, booked_at, recorded_at, typeof(date) AS t FROM visit LIMIT 1"));
        }
    }

    /**
     * A file seeded by SQL, as PetClinic's {@code data.sql} seeds it, holds its dates as text. With
     * {@code date-format=iso-8601} what the application writes is text too, so one column holds one format and
     * sorts as dates; with the driver's epoch milliseconds, SQLite would put every written date before every seeded one.
     */
    @Test
    void withIsoDatesWhatTheApplicationWritesSortsWithTheDatesTheFileWasSeededWith() throws Exception {
        Path file = this.dir.resolve("seeded.db");
        seed(file);
        try (ConfigurableApplicationContext context = CLINIC.property("spring.jpa.hibernate.ddl-auto", "none")
                .property("sqlite.hybrid.translation.date-format", "iso-8601")
                .start(file, true)) {
            Owner owner = context.getBean(OwnerRepository.class).findById(1L).orElseThrow();
            VisitRepository visits = context.getBean(VisitRepository.class);
            Instant recordedAt = Instant.parse("2024-05-06T07:08:09.123Z");
            visits.save(new Visit(
                    owner,
                    "written-2005",
                    "checkup",
                    LocalDate.of(2005, 1, 1),
                    LocalDateTime.of(2005, 1, 1, 9, 0),
                    recordedAt));
            visits.save(new Visit(
                    owner,
                    "written-2020",
                    "checkup",
                    LocalDate.of(2020, 2, 29),
                    LocalDateTime.of(2020, 2, 29, 9, 0),
                    recordedAt));
            assertThat(visits.findByDateBetweenOrderByDateAsc(LocalDate.of(2000, 1, 1), LocalDate.of(2030, 1, 1)))
                    .extracting(Visit::getDate)
                    .containsExactly(LocalDate.of(2005, 1, 1), LocalDate.of(2010, 3, 4), LocalDate.of(2020, 2, 29));
            assertThat(visits.findByRequest("written-2020").orElseThrow().getRecordedAt())
                    .isEqualTo(recordedAt);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.queryForList("SELECT DISTINCT typeof(date) FROM visit", String.class))
                    .containsExactly("text");
            assertThat(jdbc.queryForObject("SELECT date FROM visit WHERE request = 'written-2005'", String.class))
                    .isEqualTo("2005-01-01");
        }
    }

    @Test
    void datesAFileHoldsAsTextAreRead() throws Exception {
        Path file = this.dir.resolve("existing.db");
        seed(file);
        try (ConfigurableApplicationContext context =
                CLINIC.property("spring.jpa.hibernate.ddl-auto", "none").start(file, true)) {
            Visit visit =
                    context.getBean(VisitRepository.class).findByRequest("r1").orElseThrow();
            assertThat(visit.getDate()).isEqualTo(LocalDate.of(2010, 3, 4));
            assertThat(visit.getBookedAt()).isEqualTo(LocalDateTime.of(2013, 1, 1, 12, 30));
            assertThat(visit.getRecordedAt()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123Z"));
        }
    }

    /** A file as SQL scripts leave it: its dates as text. */
    private static void seed(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT)");
            statement.execute(
                    "CREATE TABLE visit (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, request TEXT NOT NULL"
                            + " UNIQUE, description TEXT, date DATE, booked_at TIMESTAMP, recorded_at TIMESTAMP)");
            statement.execute("INSERT INTO owner VALUES (1, 'George')");
            statement.execute(
                    "INSERT INTO visit VALUES (1, 1, 'r1', 'rabies shot', '2010-03-04', '2013-01-01 12:30:00',"
                            + " '2024-05-06 07:08:09.123')");
        }
    }
}
