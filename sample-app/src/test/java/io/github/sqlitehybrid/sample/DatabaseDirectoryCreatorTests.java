package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Creating the directory of the SQLite file before the DataSource opens it. */
class DatabaseDirectoryCreatorTests {

    @TempDir
    Path temp;

    @Test
    void createsTheMissingDirectoriesOfTheDatabaseFile() {
        Path file = this.temp.resolve("a/b/sample.db");

        environmentPrepared("jdbc:sqlite:" + file);

        assertThat(file.getParent()).isDirectory();
        assertThat(file).doesNotExist();
    }

    @Test
    void findsTheFileOfEveryFormOfSqliteUrl() {
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite:./data/sample.db"))
                .isEqualTo(Path.of("./data/sample.db"));
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite:file:data/sample.db?cache=shared"))
                .isEqualTo(Path.of("data/sample.db"));
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite:/var/lib/app/app.db"))
                .isEqualTo(Path.of("/var/lib/app/app.db"));
    }

    @Test
    void leavesInMemoryAndOtherDatabasesAlone() {
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite::memory:"))
                .isNull();
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite:")).isNull();
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:sqlite:file::memory:?cache=shared"))
                .isNull();
        assertThat(DatabaseDirectoryCreator.databaseFile("jdbc:h2:mem:test")).isNull();
        assertThat(DatabaseDirectoryCreator.databaseFile(null)).isNull();
    }

    private static void environmentPrepared(String url) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("spring.datasource.url", url)));
        new DatabaseDirectoryCreator()
                .onApplicationEvent(new ApplicationEnvironmentPreparedEvent(
                        new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment));
    }
}
