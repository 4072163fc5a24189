package io.github.sqlitehybrid.sample;

import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Puts the sample's two SQLite files, its database and its log database, in a test's own folder. */
final class TestDataFiles {

    private TestDataFiles() {}

    static void inside(Path directory, DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("sample.db"));
        registry.add(
                "sqlite.hybrid.log-database.path",
                () -> directory.resolve("sample-logs.db").toString());
    }
}
