package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.testsupport.LocalPostgres;
import java.util.Map;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end test on PostgreSQL, with the sample's {@code postgres} profile and nothing else changed
 * but the server's address: a throwaway server on loopback, one fresh database.
 */
@ActiveProfiles("postgres")
class PostgresJobQueueEndToEndTests extends JobQueueEndToEndTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        LocalPostgres server = LocalPostgres.assumeAvailable();
        String url = server.createDatabase("sample");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> LocalPostgres.USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add(
                "sqlite.hybrid.log-database.path",
                () -> dataDirectory.resolve("sample-logs.db").toString());
    }

    @Override
    void assertDatabaseSpecifics(Map<String, Object> healthComponents, Map<String, Object> database) {
        assertThat(healthComponents)
                .as("SQLite health, which has nothing to say about PostgreSQL")
                .doesNotContainKey("sqlite");
        assertThat(object(healthComponents, "db")).containsEntry("status", "UP");
        assertThat(database).containsEntry("product", "PostgreSQL").doesNotContainKeys("journalMode", "pragmas");
    }
}
