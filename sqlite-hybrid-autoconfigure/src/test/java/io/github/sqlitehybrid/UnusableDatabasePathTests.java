package io.github.sqlitehybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.sqlitehybrid.logdb.LogDatabase;
import io.github.sqlitehybrid.logdb.LogDatabaseProperties;
import io.github.sqlitehybrid.pragma.SqlitePragmaAutoConfiguration;
import io.github.sqlitehybrid.writer.SingleWriterAutoConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * Startup with a database that cannot be written where {@code spring.datasource.url} puts it fails before
 * the pool opens a connection, with a report that names the path and says what to do.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnusableDatabasePathTests {

    @TempDir
    Path dir;

    private final TestMounts mounts = new TestMounts();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SqlitePragmaAutoConfiguration.class,
                    SingleWriterAutoConfiguration.class));

    @AfterEach
    void unmount() throws Exception {
        this.mounts.close();
        // Leave the folder deletable when the test made it read-only without a mount.
        Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void startupFailsNamingADirectoryThatDoesNotExist() {
        Path missing = this.dir.resolve("missing");
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + missing.resolve("app.db"))
                .run((context) -> assertThat(reportOf(context))
                        .contains("the directory of " + missing.resolve("app.db") + " does not exist")
                        .contains("Path: " + missing)
                        .contains("Create the directory, or point spring.datasource.url at a file"));
    }

    @Test
    void startupFailsNamingADirectoryThatIsReadOnly() {
        Path readOnly = readOnlyDirectory();
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + readOnly.resolve("app.db"))
                .run((context) -> assertThat(reportOf(context))
                        .contains("is read-only")
                        .contains("Path: " + readOnly)
                        .contains("Make the directory writable"));
    }

    @Test
    void startupFailsNamingADatabaseFileThatIsReadOnly() throws Exception {
        Path file = this.dir.resolve("app.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            connection.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        String failure = this.mounts.readOnlyFile(file);
        if (failure != null) {
            Assumptions.assumeFalse(
                    TestMounts.isRoot(), "cannot make a file read-only for root without a mount: " + failure);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        }
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + file)
                .run((context) -> assertThat(reportOf(context))
                        .contains("the database file is read-only")
                        .contains("Path: " + file)
                        .contains("Make the file writable"));
    }

    @Test
    void aDatabaseInAWritableDirectoryStartsAndInMemoryOrReadOnlyUrlsAreNotChecked() {
        this.contextRunner
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
                .run((context) -> assertThat(context).hasNotFailed());
        Path missing = this.dir.resolve("missing").resolve("app.db");
        assertThatNoException().isThrownBy(() -> SqliteDatabasePaths.checkWritable("jdbc:sqlite::memory:", "url"));
        assertThatNoException()
                .isThrownBy(() -> SqliteDatabasePaths.checkWritable("jdbc:sqlite:file::memory:?cache=shared", "url"));
        assertThatNoException()
                .isThrownBy(() -> SqliteDatabasePaths.checkWritable("jdbc:sqlite:file:mem1?mode=memory", "url"));
        assertThatNoException()
                .isThrownBy(() -> SqliteDatabasePaths.checkWritable("jdbc:sqlite:file:" + missing + "?mode=ro", "url"));
        assertThatNoException()
                .isThrownBy(() -> SqliteDatabasePaths.checkWritable("jdbc:sqlite:" + missing + "?open_mode=1", "url"));
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite:file://" + missing + "?cache=shared"))
                .isEqualTo(missing);
        assertThat(SqliteDatabasePaths.writableFileOf("jdbc:sqlite:" + missing + "?journal_mode=WAL"))
                .isEqualTo(missing);
    }

    @Test
    void theLogDatabaseInAReadOnlyDirectoryFailsNamingThePath() {
        Path readOnly = readOnlyDirectory();
        LogDatabaseProperties properties = new LogDatabaseProperties();
        properties.setPath(readOnly.resolve("logs.db").toString());
        Throwable failure = catchThrowable(() -> new LogDatabase(properties));
        assertThat(failure).isInstanceOf(InvalidSqliteHybridPropertyException.class);
        FailureAnalysis analysis = new SqliteHybridPropertyFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
                .contains("sqlite.hybrid.log-database.path")
                .contains(readOnly.resolve("logs.db").toString());
    }

    @Test
    void anApplicationThatCannotStartPrintsTheReport(CapturedOutput output) {
        // A real SpringApplication: Boot finds the analyzer in spring.factories and prints its report.
        Path missing = this.dir.resolve("missing");
        SpringApplication application = new SpringApplication(FailingApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        assertThatException()
                .isThrownBy(() -> application.run("--spring.datasource.url=jdbc:sqlite:" + missing.resolve("app.db")));
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("the directory of " + missing.resolve("app.db") + " does not exist")
                .contains("Create the directory, or point spring.datasource.url at a file");
    }

    /** A directory SQLite cannot write to: a read-only mount, else (not root) a folder without write permission. */
    private Path readOnlyDirectory() {
        Path readOnly = this.dir.resolve("read-only");
        try {
            Files.createDirectories(readOnly);
            String failure = this.mounts.tmpfs(readOnly, "ro,size=1m");
            if (failure != null) {
                Assumptions.assumeFalse(
                        TestMounts.isRoot(), "root ignores permission bits and mounting failed: " + failure);
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
        } catch (IOException ex) {
            Assumptions.abort("cannot prepare a read-only directory: " + ex);
        }
        return readOnly;
    }

    private static String reportOf(AssertableApplicationContext context) {
        return StartupFailureReports.reportOf(context, new UnusableDatabasePathFailureAnalyzer());
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({
        DataSourceAutoConfiguration.class,
        SqlitePragmaAutoConfiguration.class,
        SingleWriterAutoConfiguration.class
    })
    static class FailingApplication {}
}
