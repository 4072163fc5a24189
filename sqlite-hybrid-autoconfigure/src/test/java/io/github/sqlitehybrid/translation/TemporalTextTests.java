package io.github.sqlitehybrid.translation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.TimeZone;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Dates and times a file holds as text, in the forms SQL scripts and SQLite's own functions write, are read by every
 * temporal getter; values the driver reads itself are read as before.
 */
@ExtendWith(OutputCaptureExtension.class)
class TemporalTextTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteTranslationAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class));

    @Test
    void readsDateTextsInTheFormsSqlAndSqliteWrite() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            jdbc.update("INSERT INTO t VALUES ('2010-03-04')");
            assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalDate.class))).isEqualTo(LocalDate.of(2010, 3, 4));
            assertThat(read(jdbc, (rs, n) -> rs.getDate(1))).isEqualTo(Date.valueOf("2010-03-04"));
            assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalDateTime.class)))
                    .isEqualTo(LocalDateTime.of(2010, 3, 4, 0, 0));
        });
    }

    @Test
    void readsDateTimeTextsWithASpaceOrAT() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            for (String text : new String[] {"2013-01-01 12:30:15.123", "2013-01-01T12:30:15.123"}) {
                jdbc.update("DELETE FROM t");
                jdbc.update("INSERT INTO t VALUES (?)", text);
                LocalDateTime expected = LocalDateTime.of(2013, 1, 1, 12, 30, 15, 123_000_000);
                assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalDateTime.class)))
                        .isEqualTo(expected);
                assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1))).isEqualTo(Timestamp.valueOf(expected));
                Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1, utc)))
                        .isEqualTo(Timestamp.from(expected.toInstant(ZoneOffset.UTC)));
            }
            jdbc.update("DELETE FROM t");
            jdbc.update("INSERT INTO t VALUES (datetime('2013-01-01 12:30'))");
            assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalDateTime.class)))
                    .isEqualTo(LocalDateTime.of(2013, 1, 1, 12, 30));
        });
    }

    @Test
    void readsTextsWithAnOffsetAsTheInstantTheyName() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            Instant instant = Instant.parse("2024-05-06T07:08:09.123Z");
            for (String text : new String[] {"2024-05-06T07:08:09.123Z", "2024-05-06T09:08:09.123+02:00"}) {
                jdbc.update("DELETE FROM t");
                jdbc.update("INSERT INTO t VALUES (?)", text);
                assertThat(read(jdbc, (rs, n) -> rs.getObject(1, Instant.class)))
                        .isEqualTo(instant);
                assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1))).isEqualTo(Timestamp.from(instant));
                Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1, utc))).isEqualTo(Timestamp.from(instant));
                assertThat(read(
                                jdbc,
                                (rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant()))
                        .isEqualTo(instant);
                assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalDateTime.class)))
                        .isEqualTo(LocalDateTime.ofInstant(instant, ZoneId.systemDefault()));
            }
        });
    }

    @Test
    void readsTimeTexts() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            jdbc.update("INSERT INTO t VALUES ('12:30:15')");
            assertThat(read(jdbc, (rs, n) -> rs.getObject(1, LocalTime.class))).isEqualTo(LocalTime.of(12, 30, 15));
        });
    }

    @Test
    void valuesTheDriverReadsAreReadAsBefore() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            Timestamp written = Timestamp.valueOf("2013-01-01 12:30:15.123");
            jdbc.update("INSERT INTO t VALUES (?)", written);
            assertThat(jdbc.queryForObject("SELECT typeof(v) FROM t", String.class))
                    .isEqualTo("integer");
            assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1))).isEqualTo(written);
        });
    }

    @Test
    void textThatIsNoDateStillFails() {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE t (v)");
            jdbc.update("INSERT INTO t VALUES ('next tuesday')");
            assertThat(catchThrowable(() -> read(jdbc, (rs, n) -> rs.getDate(1))))
                    .hasMessageContaining("Error parsing date");
        });
    }

    @Test
    void theDriverFormatWarnsOnceAColumnThatHoldsTextTheDriverCannotRead(CapturedOutput output) {
        run((jdbc) -> {
            jdbc.execute("CREATE TABLE visits (visit_date DATE)");
            jdbc.update("INSERT INTO visits VALUES ('2010-03-04')");
            jdbc.queryForObject("SELECT visit_date FROM visits", (rs, n) -> rs.getDate(1));
            jdbc.queryForObject("SELECT visit_date FROM visits", (rs, n) -> rs.getDate(1));
            assertThat(output.toString().split("Column 'visits.visit_date' holds dates or times as text", -1))
                    .as("warnings")
                    .hasSize(2);
            assertThat(output).contains("sqlite.hybrid.translation.date-format=iso-8601");
        });
    }

    /** What SQL scripts write and what the application binds then sort together, as dates. */
    @Test
    void theIsoFormatWritesTextThatSortsAndComparesWithTheTextAlreadyThere() {
        run(
                (jdbc) -> {
                    jdbc.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, visit_date DATE, booked_at TIMESTAMP)");
                    jdbc.update(
                            "INSERT INTO visits (visit_date, booked_at) VALUES ('2010-03-04', '2010-03-04 09:30:00')");
                    jdbc.update(
                            "INSERT INTO visits (visit_date, booked_at) VALUES (?, ?)",
                            LocalDate.of(2009, 1, 1),
                            LocalDateTime.of(2009, 1, 1, 8, 0));
                    jdbc.update(
                            "INSERT INTO visits (visit_date, booked_at) VALUES (?, ?)",
                            Date.valueOf("2011-06-30"),
                            Timestamp.valueOf("2011-06-30 17:45:00.250"));
                    assertThat(jdbc.queryForList("SELECT DISTINCT typeof(visit_date) FROM visits", String.class))
                            .containsExactly("text");
                    assertThat(jdbc.queryForList("SELECT visit_date FROM visits ORDER BY visit_date", String.class))
                            .containsExactly("2009-01-01", "2010-03-04", "2011-06-30");
                    assertThat(jdbc.queryForList(
                                    "SELECT booked_at FROM visits WHERE visit_date = ?",
                                    String.class,
                                    LocalDate.of(2010, 3, 4)))
                            .containsExactly("2010-03-04 09:30:00");
                    RowMapper<LocalDate> date = (rs, n) -> rs.getObject(1, LocalDate.class);
                    assertThat(jdbc.query(
                                    "SELECT visit_date FROM visits WHERE booked_at > ? ORDER BY booked_at",
                                    date,
                                    LocalDateTime.of(2010, 1, 1, 0, 0)))
                            .containsExactly(LocalDate.of(2010, 3, 4), LocalDate.of(2011, 6, 30));
                    RowMapper<Timestamp> timestamp = (rs, n) -> rs.getTimestamp(1);
                    assertThat(jdbc.queryForObject("SELECT booked_at FROM visits WHERE id = 3", timestamp))
                            .isEqualTo(Timestamp.valueOf("2011-06-30 17:45:00.250"));
                    assertThat(jdbc.queryForObject(
                                    "SELECT date(visit_date, '+1 day') FROM visits WHERE id = 2", String.class))
                            .isEqualTo("2009-01-02");
                },
                "sqlite.hybrid.translation.date-format=iso-8601");
    }

    @Test
    void theIsoFormatWritesInstantsInUtc() {
        run(
                (jdbc) -> {
                    jdbc.execute("CREATE TABLE t (v)");
                    Instant instant = Instant.parse("2024-05-06T07:08:09.123Z");
                    jdbc.update("INSERT INTO t VALUES (?)", instant);
                    assertThat(jdbc.queryForObject("SELECT v FROM t", String.class))
                            .isEqualTo("2024-05-06 07:08:09.123Z");
                    assertThat(read(jdbc, (rs, n) -> rs.getObject(1, Instant.class)))
                            .isEqualTo(instant);
                    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                    assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1, utc))).isEqualTo(Timestamp.from(instant));
                },
                "sqlite.hybrid.translation.date-format=iso-8601");
    }

    @Test
    void theIsoFormatWarnsOnceAColumnThatHoldsNumbersAndStillReadsThem(CapturedOutput output) {
        run(
                (jdbc) -> {
                    jdbc.execute("CREATE TABLE t (v)");
                    Timestamp written = Timestamp.valueOf("2013-01-01 12:30:15.123");
                    jdbc.update("INSERT INTO t VALUES (?)", written.getTime());
                    assertThat(read(jdbc, (rs, n) -> rs.getTimestamp(1))).isEqualTo(written);
                    assertThat(output)
                            .contains("holds dates or times as numbers while the application writes ISO-8601");
                },
                "sqlite.hybrid.translation.date-format=iso-8601");
    }

    private void run(ThrowingConsumer<JdbcTemplate> test, String... properties) {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("dates.db"))
                .withPropertyValues(properties)
                .run((context) -> test.accept(new JdbcTemplate(context.getBean(DataSource.class))));
    }

    private static Object read(JdbcTemplate jdbc, RowMapper<?> mapper) {
        return jdbc.queryForObject("SELECT v FROM t", mapper);
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {

        void accept(T value) throws Exception;
    }
}
