package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The end-to-end test on one SQLite file, the sample's default database. */
class SqliteJobQueueEndToEndTests extends JobQueueEndToEndTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDataFiles.inside(dataDirectory, registry);
    }

    @Override
    void assertDatabaseSpecifics(Map<String, Object> healthComponents, Map<String, Object> database) {
        assertThat(object(healthComponents, "sqlite")).containsEntry("status", "UP");
        assertThat(database).containsEntry("product", "SQLite").containsEntry("journalMode", "wal");
    }
}
