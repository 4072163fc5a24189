package io.github.sqlitehybrid.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** {@link WriterRuntimeHints}: a JDK proxy hint for each proxy the single writer and group commit create. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriterRuntimeHintsTests {

    @TempDir
    Path dir;

    private final RuntimeHints hints = new RuntimeHints();

    WriterRuntimeHintsTests() {
        new WriterRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void registersJdkProxyForRoutedConnections() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Connection.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxiesForRoutedStatementsOfEachKind() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Statement.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(PreparedStatement.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(CallableStatement.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxyForRoutedResultSets() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(ResultSet.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxyForRoutedMetaData() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(DatabaseMetaData.class))
                .accepts(this.hints);
    }

    @Test
    void everyProxyTheSingleWriterHandsOutHasAHintForItsExactInterfaces() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(DataSourceAutoConfiguration.class, SingleWriterAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("writer.db"))
                .run((context) -> {
                    List<Object> handedOut = new ArrayList<>();
                    try (Connection connection =
                            context.getBean(SqliteSingleWriterDataSource.class).getConnection()) {
                        handedOut.add(connection);
                        handedOut.add(connection.getMetaData());
                        try (Statement statement = connection.createStatement();
                                PreparedStatement prepared = connection.prepareStatement("SELECT 1");
                                CallableStatement callable = connection.prepareCall("SELECT 1");
                                ResultSet rows = prepared.executeQuery()) {
                            handedOut.addAll(List.of(statement, prepared, callable, rows));
                        }
                    }
                    assertEveryOneIsAHintedProxy(handedOut, 6);
                });
    }

    @Test
    void everyProxyTheGroupCommitWriterHandsOutHasAHintForItsExactInterfaces() {
        try (GroupCommitWriter writer =
                new GroupCommitWriter(new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("group.db")))) {
            writer.start();
            List<Object> handedOut =
                    writer.execute((jdbc) -> jdbc.execute((ConnectionCallback<List<Object>>) (connection) -> {
                        // The template hands over its own close-suppressing proxy around the writer's.
                        Connection target = ((ConnectionProxy) connection).getTargetConnection();
                        PreparedStatement cached = target.prepareStatement("SELECT 1");
                        PreparedStatement keys = target.prepareStatement("SELECT 1", Statement.RETURN_GENERATED_KEYS);
                        List<Object> proxies = List.of(target, cached, keys);
                        cached.close();
                        keys.close();
                        return proxies;
                    }));
            assertEveryOneIsAHintedProxy(handedOut, 3);
        }
    }

    private void assertEveryOneIsAHintedProxy(List<Object> handedOut, int expected) {
        assertThat(handedOut).hasSize(expected).allSatisfy((object) -> {
            assertThat(Proxy.isProxyClass(object.getClass()))
                    .as("%s is a JDK proxy", object)
                    .isTrue();
            assertThat(RuntimeHintsPredicates.proxies()
                            .forInterfaces(object.getClass().getInterfaces()))
                    .as("proxy hint for %s", List.of(object.getClass().getInterfaces()))
                    .accepts(this.hints);
        });
    }
}
