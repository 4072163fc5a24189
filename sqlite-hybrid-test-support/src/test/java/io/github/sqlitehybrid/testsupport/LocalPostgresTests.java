package io.github.sqlitehybrid.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalPostgresTests {

    @Test
    void servesSeparateDatabasesOnLoopback() throws Exception {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        String first = server.createDatabase("first");
        String second = server.createDatabase("second");
        assertThat(first).startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/first_");
        try (Connection connection = DriverManager.getConnection(first, LocalPostgres.USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            statement.execute("INSERT INTO t VALUES (1)");
        }
        try (Connection connection = DriverManager.getConnection(second, LocalPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet tables = statement.executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name = 't'")) {
            tables.next();
            assertThat(tables.getInt(1))
                    .as("tables of the first database seen from the second")
                    .isZero();
        }
    }

    @Test
    void stopsAndRemovesItsFolderWhenClosed() throws Exception {
        LocalPostgres.assumeAvailable();
        LocalPostgres server = LocalPostgres.start(Map.of("fsync", "off"));
        String url = server.jdbcUrl("postgres");
        Path folder;
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW data_directory")) {
            rows.next();
            folder = Path.of(rows.getString(1)).getParent();
            assertThat(folder).exists();
        } finally {
            server.close();
        }
        assertThat(Files.exists(folder)).as("server folder after close").isFalse();
    }
}
