package io.github.sqlitehybrid.pragma;

import static io.github.sqlitehybrid.StartupFailureReports.reportOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

class SqlitePragmaAutoConfigurationTests {

    @TempDir
    Path dir;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(DataSourceAutoConfiguration.class, SqlitePragmaAutoConfiguration.class));

    private ApplicationContextRunner withSqliteUrl() {
        return this.contextRunner.withPropertyValues(
                "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
                "spring.datasource.hikari.maximum-pool-size=8");
    }

    @Test
    void appliesEveryConfiguredPragmaToEachConnectionOfBootsPool() {
        withSqliteUrl()
                .withPropertyValues(
                        "sqlite.hybrid.pragmas.busy-timeout=7s",
                        "sqlite.hybrid.pragmas.cache-size=32MB",
                        "sqlite.hybrid.pragmas.extra.recursive_triggers=1")
                .run((context) -> {
                    assertThat(context).hasSingleBean(SqlitePragmas.class);
                    DataSource dataSource = context.getBean(DataSource.class);
                    assertThat(dataSource).isInstanceOf(HikariDataSource.class);
                    SqlitePragmas pragmas = context.getBean(SqlitePragmas.class);
                    assertThat(pragmas.get("busy_timeout").expected()).isEqualTo(7000L);
                    assertThat(pragmas.get("cache_size").expected()).isEqualTo(-32768L);
                    List<Connection> held = new ArrayList<>();
                    try {
                        // Hold all eight at once so each is a distinct physical connection.
                        for (int i = 0; i < 8; i++) {
                            held.add(dataSource.getConnection());
                        }
                        assertThat(held.stream()
                                        .map(SqlitePragmaAutoConfigurationTests::physical)
                                        .distinct())
                                .hasSize(8);
                        for (Connection connection : held) {
                            assertPragmasApplied(connection, pragmas);
                        }
                    } finally {
                        for (Connection connection : held) {
                            connection.close();
                        }
                    }
                });
    }

    @Test
    void appliesDefaultsThatSqliteItselfDoesNotUse() {
        withSqliteUrl().run((context) -> {
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                assertThat(read(connection, "journal_mode")).isEqualTo("wal");
                assertThat(read(connection, "synchronous")).isEqualTo(1);
                assertThat(read(connection, "busy_timeout")).isEqualTo(5000);
                assertThat(read(connection, "foreign_keys")).isEqualTo(1);
                assertThat(read(connection, "cache_size")).isEqualTo(-65536);
                assertThat(read(connection, "temp_store")).isEqualTo(2);
                assertThat(((Number) read(connection, "mmap_size")).longValue()).isEqualTo(256L * 1024 * 1024);
                assertThat(((Number) read(connection, "journal_size_limit")).longValue())
                        .isEqualTo(64L * 1024 * 1024);
                assertThat(read(connection, "wal_autocheckpoint")).isEqualTo(1000);
            }
        });
    }

    @Test
    void keepsDriverPropertiesGivenToTheBootPool() {
        withSqliteUrl()
                .withPropertyValues("spring.datasource.hikari.data-source-properties.date_class=TEXT")
                .run((context) -> {
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
                        assertThat(sqlite.getConnectionConfig().getDateClass().name())
                                .isEqualTo("TEXT");
                        assertThat(read(connection, "journal_mode")).isEqualTo("wal");
                    }
                });
    }

    @Test
    void configuresAUsersOwnHikariPool() {
        this.contextRunner
                .withBean(DataSource.class, () -> {
                    HikariDataSource hikari = new HikariDataSource();
                    hikari.setJdbcUrl("jdbc:sqlite:" + this.dir.resolve("own.db"));
                    return hikari;
                })
                .run((context) -> {
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        assertThat(read(connection, "journal_mode")).isEqualTo("wal");
                        assertThat(read(connection, "busy_timeout")).isEqualTo(5000);
                    }
                });
    }

    @Test
    void configuresAUsersOwnHikariPoolThatIsAlreadyRunning() {
        this.contextRunner
                .withBean(DataSource.class, () -> {
                    HikariDataSource hikari = new HikariDataSource();
                    hikari.setJdbcUrl("jdbc:sqlite:" + this.dir.resolve("running.db"));
                    try (Connection connection = hikari.getConnection()) {
                        // Started by its creator before the post-processor sees it.
                    } catch (SQLException ex) {
                        throw new IllegalStateException(ex);
                    }
                    return hikari;
                })
                .run((context) -> {
                    DataSource dataSource = context.getBean(DataSource.class);
                    assertThat(dataSource).isInstanceOf(PragmaApplyingDataSource.class);
                    try (Connection connection = dataSource.getConnection()) {
                        assertThat(read(connection, "journal_mode")).isEqualTo("wal");
                    }
                });
    }

    @Test
    void configuresAUsersOwnSqliteDataSource() {
        this.contextRunner
                .withBean(DataSource.class, () -> {
                    SQLiteDataSource sqlite = new SQLiteDataSource();
                    sqlite.setUrl("jdbc:sqlite:" + this.dir.resolve("plain.db"));
                    return sqlite;
                })
                .run((context) -> {
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        assertThat(read(connection, "journal_mode")).isEqualTo("wal");
                        assertThat(read(connection, "foreign_keys")).isEqualTo(1);
                    }
                });
    }

    @Test
    void leavesANonSqliteDataSourceAlone() {
        DriverManagerDataSource other = new DriverManagerDataSource("jdbc:postgresql://localhost/none");
        this.contextRunner
                .withBean(DataSource.class, () -> other)
                .run((context) -> assertThat(context.getBean(DataSource.class)).isSameAs(other));
    }

    @Test
    void backsOffWithoutSqliteJdbc() {
        withSqliteUrl()
                .withClassLoader(new FilteredClassLoader(SQLiteConnection.class))
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(SqlitePragmas.class)
                        .doesNotHaveBean(SqlitePragmaDataSourcePostProcessor.class));
    }

    @Test
    void aJournalSizeLimitOfMinusOneAsDocumentedMeansNoLimit() {
        withSqliteUrl()
                .withPropertyValues("sqlite.hybrid.pragmas.journal-size-limit=-1")
                .run((context) -> {
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        assertThat(((Number) read(connection, "journal_size_limit")).longValue())
                                .isEqualTo(-1);
                    }
                });
    }

    @Test
    void backsOffWhenStarterIsDisabled() {
        withSqliteUrl().withPropertyValues("sqlite.hybrid.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(SqlitePragmas.class);
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                assertThat(read(connection, "journal_mode")).isEqualTo("delete");
            }
        });
    }

    @Test
    void backsOffForAUsersOwnPragmas() {
        withSqliteUrl().withUserConfiguration(OwnPragmasConfiguration.class).run((context) -> {
            assertThat(context).getBean(SqlitePragmas.class).isSameAs(OwnPragmasConfiguration.PRAGMAS);
            try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                assertThat(read(connection, "journal_mode")).isEqualTo("truncate");
            }
        });
    }

    @Test
    void bindsEnumValuesCaseInsensitively() {
        withSqliteUrl()
                .withPropertyValues(
                        "sqlite.hybrid.pragmas.journal-mode=Truncate", "sqlite.hybrid.pragmas.synchronous=full")
                .run((context) -> {
                    try (Connection connection =
                            context.getBean(DataSource.class).getConnection()) {
                        assertThat(read(connection, "journal_mode")).isEqualTo("truncate");
                        assertThat(read(connection, "synchronous")).isEqualTo(2);
                    }
                });
    }

    @Test
    void unknownJournalModeFailsNamingPropertyValueAndAllowedValues() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.journal-mode=fast",
                "sqlite.hybrid.pragmas.journal-mode",
                "fast",
                "delete, truncate, persist, memory, wal, off");
    }

    @Test
    void negativeBusyTimeoutFailsNamingProperty() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.busy-timeout=-1s",
                "sqlite.hybrid.pragmas.busy-timeout",
                "-1s",
                "must be between 0");
    }

    @Test
    void negativeCacheSizeFailsNamingProperty() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.cache-size=-5MB",
                "sqlite.hybrid.pragmas.cache-size",
                "-5MB",
                "must not be negative");
    }

    @Test
    void negativeWalAutocheckpointFailsNamingProperty() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.wal-autocheckpoint=-3",
                "sqlite.hybrid.pragmas.wal-autocheckpoint",
                "-3",
                "0 (off) or a number of pages");
    }

    @Test
    void pragmaNameThatIsNotAnIdentifierFails() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.extra[foo;drop table x]=1",
                "sqlite.hybrid.pragmas.extra.foo;drop table x",
                "foo;drop table x",
                "not an identifier");
    }

    @Test
    void pragmaValueWithSqlInItFails() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.extra.auto_vacuum=1; DROP TABLE jobs",
                "sqlite.hybrid.pragmas.extra.auto_vacuum",
                "1; DROP TABLE jobs",
                "integer or a keyword");
    }

    @Test
    void extraPragmaThatHasItsOwnPropertyFails() {
        assertStartupFails(
                "sqlite.hybrid.pragmas.extra.journal_mode=delete",
                "sqlite.hybrid.pragmas.extra.journal_mode",
                "delete",
                "sqlite.hybrid.pragmas.journal-mode");
    }

    private void assertStartupFails(String property, String name, String value, String expected) {
        withSqliteUrl().withPropertyValues(property).run((context) -> {
            assertThat(reportOf(context)).contains("'" + name + "'", "'" + value + "'", expected);
        });
    }

    private static void assertPragmasApplied(Connection connection, SqlitePragmas pragmas) throws SQLException {
        for (SqlitePragmas.Pragma pragma : pragmas.getPragmas()) {
            Object actual = read(connection, pragma.name());
            assertThat(normalize(actual)).as(pragma.name()).isEqualTo(normalize(pragma.expected()));
        }
    }

    private static Object normalize(Object value) {
        return (value instanceof Number number) ? (Object) number.longValue() : String.valueOf(value);
    }

    private static Object read(Connection connection, String pragma) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA " + pragma)) {
            assertThat(rows.next()).isTrue();
            return rows.getObject(1);
        }
    }

    private static SQLiteConnection physical(Connection connection) {
        try {
            return connection.unwrap(SQLiteConnection.class);
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPragmasConfiguration {

        static final SqlitePragmas PRAGMAS;

        static {
            PragmaProperties properties = new PragmaProperties();
            properties.setJournalMode(JournalMode.TRUNCATE);
            PRAGMAS = SqlitePragmas.from(properties);
        }

        @Bean
        SqlitePragmas ownPragmas() {
            return PRAGMAS;
        }
    }
}
