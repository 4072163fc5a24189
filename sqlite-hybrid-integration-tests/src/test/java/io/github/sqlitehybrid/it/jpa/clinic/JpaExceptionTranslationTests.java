package io.github.sqlitehybrid.it.jpa.clinic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The same SQLite error reaches a JPA repository and a {@code JdbcTemplate} as the same {@code DataAccessException}:
 * a duplicate key, a missing table, a lock another process holds.
 */
class JpaExceptionTranslationTests {

    private static final TestApplication CLINIC = TestApplication.of(ClinicApplication.class)
            .with(Stack.JPA)
            .property("spring.jpa.hibernate.ddl-auto", "update")
            .property("sqlite.hybrid.pragmas.busy-timeout", "0");

    @TempDir
    Path dir;

    @Test
    void jpaAndJdbcTemplateRaiseTheSameExceptionsForTheSameErrors() throws Exception {
        Map<String, String> starter = errors(this.dir.resolve("starter.db"), true);
        Map<String, String> plain = errors(this.dir.resolve("plain.db"), false);
        Figures.print("JPA and JdbcTemplate, the exception for each SQLite error", starter, plain);
        assertThat(starter)
                .containsEntry("duplicate key, JPA", DuplicateKeyException.class.getSimpleName())
                .containsEntry("duplicate key, JdbcTemplate", DuplicateKeyException.class.getSimpleName())
                .containsEntry("missing table, JPA", BadSqlGrammarException.class.getSimpleName())
                .containsEntry("missing table, JdbcTemplate", BadSqlGrammarException.class.getSimpleName())
                .containsEntry("lock held elsewhere, JPA", CannotAcquireLockException.class.getSimpleName())
                .containsEntry("lock held elsewhere, JdbcTemplate", CannotAcquireLockException.class.getSimpleName());
    }

    private Map<String, String> errors(Path file, boolean starter) throws Exception {
        Map<String, String> errors = new LinkedHashMap<>();
        try (ConfigurableApplicationContext context = CLINIC.start(file, starter)) {
            OwnerRepository owners = context.getBean(OwnerRepository.class);
            VisitRepository visits = context.getBean(VisitRepository.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            Owner owner = owners.save(new Owner("Ada"));
            visits.saveAndFlush(visit(owner, "once"));
            errors.put("duplicate key, JPA", failure(() -> visits.saveAndFlush(visit(owner, "once"))));
            errors.put(
                    "duplicate key, JdbcTemplate",
                    failure(() ->
                            jdbc.update("INSERT INTO visit (owner_id, request) VALUES (?, 'once')", owner.getId())));
            errors.put("missing table, JPA", failure(visits::countMissingTable));
            errors.put("missing table, JdbcTemplate", failure(() -> jdbc.queryForList("SELECT * FROM no_such_table")));
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement statement = other.createStatement()) {
                statement.execute("BEGIN EXCLUSIVE");
                errors.put("lock held elsewhere, JPA", failure(() -> visits.saveAndFlush(visit(owner, "locked"))));
                errors.put(
                        "lock held elsewhere, JdbcTemplate",
                        failure(() -> jdbc.update(
                                "INSERT INTO visit (owner_id, request) VALUES (?, 'locked')", owner.getId())));
                errors.put(
                        "lock held elsewhere, recognised by @DbRetry",
                        String.valueOf(new SqliteLockErrorClassifier()
                                .lockErrorCode(catchThrowable(() -> visits.saveAndFlush(visit(owner, "again"))))));
                statement.execute("ROLLBACK");
            }
        }
        return errors;
    }

    private static String failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable failure = catchThrowable(call);
        return (failure != null) ? failure.getClass().getSimpleName() : "no exception";
    }

    private static Visit visit(Owner owner, String request) {
        return new Visit(
                owner,
                request,
                "checkup",
                LocalDate.of(2010, 3, 4),
                LocalDateTime.of(2010, 3, 4, 9, 30),
                Instant.parse("2010-03-04T09:30:00Z"));
    }
}
