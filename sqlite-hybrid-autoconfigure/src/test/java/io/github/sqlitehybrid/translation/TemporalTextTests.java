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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Dates and times a file holds as text, in the forms SQL scripts and SQLite's own functions write, are read by every
 * temporal getter; values the driver reads itself are read as before.
 */
class TemporalTextTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteExceptionTranslationAutoConfiguration.class,
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

    private void run(ThrowingConsumer<JdbcTemplate> test) {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("dates.db"))
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
