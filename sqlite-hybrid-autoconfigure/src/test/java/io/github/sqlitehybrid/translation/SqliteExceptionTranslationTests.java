package io.github.sqlitehybrid.translation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.retry.DbRetryAutoConfiguration;
import io.github.sqlitehybrid.retry.SqliteLockErrorClassifier;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's errors reach a {@code JdbcTemplate} that nothing configured, as a library builds one for itself, as the
 * {@code DataAccessException} they mean, with the driver's exception still at the root.
 */
class SqliteExceptionTranslationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class,
                    TransactionAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SqliteTranslationAutoConfiguration.class,
                    DbRetryAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class))
            .withPropertyValues("sqlite.hybrid.pragmas.busy-timeout=0");

    private ApplicationContextRunner withDatabase(String... properties) {
        return this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("errors.db"))
                .withPropertyValues(properties);
    }

    @Test
    void constraintViolationsBecomeDuplicateKeyAndDataIntegrityViolations() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = libraryTemplate(context);
            createSchema(jdbc);
            jdbc.update("INSERT INTO owners (id, email) VALUES (1, 'a@example.org')");
            assertTranslated(
                    () -> jdbc.update("INSERT INTO owners (id, email) VALUES (2, 'a@example.org')"),
                    DuplicateKeyException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO owners (id, email) VALUES (1, 'b@example.org')"),
                    DuplicateKeyException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO owners (id, email) VALUES (3, NULL)"),
                    DataIntegrityViolationException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO pets (id, owner_id, age) VALUES (1, 1, -1)"),
                    DataIntegrityViolationException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO pets (id, owner_id, age) VALUES (1, 42, 3)"),
                    DataIntegrityViolationException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO typed (n) VALUES ('not a number')"),
                    DataIntegrityViolationException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_DATATYPE);
            assertThat(catchThrowable(() -> jdbc.update("INSERT INTO owners (id, email) VALUES (3, NULL)")))
                    .isNotInstanceOf(DuplicateKeyException.class);
        });
    }

    @Test
    void aMissingTableOrBadSqlIsBadSqlGrammar() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = libraryTemplate(context);
            assertTranslated(
                    () -> jdbc.queryForList("SELECT * FROM no_such_table"),
                    BadSqlGrammarException.class,
                    SQLiteErrorCode.SQLITE_ERROR);
            assertTranslated(
                    () -> jdbc.update("INSERT INTO no_such_table VALUES (1)"),
                    BadSqlGrammarException.class,
                    SQLiteErrorCode.SQLITE_ERROR);
            assertTranslated(() -> jdbc.execute("SELEC 1"), BadSqlGrammarException.class, SQLiteErrorCode.SQLITE_ERROR);
        });
    }

    @Test
    void aLockHeldByAnotherProcessIsCannotAcquireLockAndStillALockErrorForDbRetry() throws Exception {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = libraryTemplate(context);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("errors.db"));
                    Statement statement = other.createStatement()) {
                statement.execute("BEGIN EXCLUSIVE");
                Throwable failure = catchThrowable(() -> jdbc.update("INSERT INTO t VALUES (1)"));
                assertThat(failure).isInstanceOf(CannotAcquireLockException.class);
                assertThat(failure).hasRootCauseInstanceOf(SQLiteException.class);
                assertThat(new SqliteLockErrorClassifier().lockErrorCode(failure))
                        .isEqualTo("SQLITE_BUSY");
                statement.execute("ROLLBACK");
            }
        });
    }

    @Test
    void aWriteInAReadOnlyTransactionIsPermissionDenied() {
        withDatabase().run((context) -> {
            JdbcTemplate jdbc = libraryTemplate(context);
            jdbc.execute("CREATE TABLE t (x INTEGER)");
            TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            readOnly.setReadOnly(true);
            assertTranslated(
                    () -> readOnly.executeWithoutResult((status) -> jdbc.update("INSERT INTO t VALUES (1)")),
                    PermissionDeniedDataAccessException.class,
                    SQLiteErrorCode.SQLITE_READONLY);
        });
    }

    @Test
    void translatesWithoutTheSingleWriterToo() {
        withDatabase("sqlite.hybrid.writer.enabled=false").run((context) -> {
            assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
            JdbcTemplate jdbc = libraryTemplate(context);
            jdbc.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)");
            jdbc.update("INSERT INTO t VALUES (1)");
            assertTranslated(
                    () -> jdbc.update("INSERT INTO t VALUES (1)"),
                    DuplicateKeyException.class,
                    SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
        });
    }

    @Test
    void leavesErrorsUncategorizedWhenDisabled() {
        withDatabase("sqlite.hybrid.translation.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TranslatingDataSourcePostProcessor.class);
            JdbcTemplate jdbc = libraryTemplate(context);
            jdbc.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)");
            jdbc.update("INSERT INTO t VALUES (1)");
            assertThat(catchThrowable(() -> jdbc.update("INSERT INTO t VALUES (1)")))
                    .isInstanceOf(UncategorizedSQLException.class);
        });
    }

    @Test
    void leavesAnotherDatabasesPoolAlone() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none")
                .run((context) -> {
                    HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
                    assertThat(pool.getDataSource()).isNull();
                });
    }

    @Test
    void givesHibernatesJpaDialectTheTranslatorOnlyWhenHibernateIsPresent() {
        withDatabase().run((context) -> assertThat(context).hasSingleBean(HibernateJpaDialectPostProcessor.class));
        withDatabase()
                .withClassLoader(new FilteredClassLoader("org.hibernate"))
                .run((context) -> assertThat(context).doesNotHaveBean(HibernateJpaDialectPostProcessor.class));
    }

    @Test
    void theTranslatorLeavesOtherDatabasesErrorsToTheirCallers() {
        SqliteExceptionTranslator translator = new SqliteExceptionTranslator();
        assertThat(translator.translate("insert", null, new java.sql.SQLException("duplicate", "23505")))
                .isNull();
        assertThat(translator.translate(
                        "insert",
                        null,
                        new SQLiteException("[SQLITE_CONSTRAINT_UNIQUE]", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))
                .isInstanceOf(DuplicateKeyException.class);
    }

    private static JdbcTemplate libraryTemplate(AssertableApplicationContext context) {
        // Built by hand, with no translator of its own: what ShedLock and other libraries do.
        return new JdbcTemplate(context.getBean(DataSource.class));
    }

    private static void createSchema(JdbcTemplate jdbc) {
        jdbc.execute("CREATE TABLE owners (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
        jdbc.execute("CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owners (id),"
                + " age INTEGER CHECK (age >= 0))");
        jdbc.execute("CREATE TABLE typed (n INTEGER) STRICT");
    }

    private static void assertTranslated(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            Class<? extends Throwable> expected,
            SQLiteErrorCode code) {
        Throwable failure = catchThrowable(call);
        assertThat(failure).isInstanceOf(expected);
        assertThat(failure).hasRootCauseInstanceOf(SQLiteException.class);
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(((SQLiteException) root).getResultCode()).isEqualTo(code);
    }
}
