package io.github.sqlitehybrid.translation;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** {@link TranslationRuntimeHints}: a JDK proxy hint for each proxy {@link TranslatingProxy} creates. */
class TranslationRuntimeHintsTests {

    @TempDir
    Path dir;

    private final RuntimeHints hints = new RuntimeHints();

    TranslationRuntimeHintsTests() {
        new TranslationRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void registersJdkProxyForTranslatingConnections() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Connection.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxiesForTranslatingStatementsOfEachKind() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Statement.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(PreparedStatement.class))
                .accepts(this.hints);
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(CallableStatement.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxyForTranslatingResultSets() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(ResultSet.class))
                .accepts(this.hints);
    }

    @Test
    void registersJdkProxyForTranslatingMetaData() {
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(DatabaseMetaData.class))
                .accepts(this.hints);
    }

    @Test
    void everyProxyATranslatingDataSourceHandsOutHasAHintForItsExactInterfaces() throws Exception {
        TranslatingDataSource dataSource = new TranslatingDataSource(
                new DriverManagerDataSource("jdbc:sqlite:" + this.dir.resolve("translated.db")));
        List<Object> handedOut = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            handedOut.add(connection);
            DatabaseMetaData metaData = connection.getMetaData();
            handedOut.add(metaData);
            try (Statement statement = connection.createStatement();
                    ResultSet statementRows = statement.executeQuery("SELECT 1");
                    PreparedStatement prepared = connection.prepareStatement("SELECT 1");
                    ResultSet preparedRows = prepared.executeQuery();
                    ResultSet tables = metaData.getTables(null, null, "%", null)) {
                handedOut.addAll(List.of(statement, statementRows, prepared, preparedRows, tables));
            }
        }
        // SQLite has no stored procedures: sqlite-jdbc refuses prepareCall, so CallableStatement is hinted above.
        assertThat(handedOut).hasSize(7).allSatisfy((object) -> {
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
