package io.github.sqlitehybrid.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Creates the directory of the SQLite file named by {@code spring.datasource.url}, once the environment is
 * known and before any bean, the DataSource included, is created. SQLite creates a missing database file
 * but fails with "path to ... does not exist" when its directory is missing.
 *
 * <p>Registered in {@link SampleApplication#main}; tests give a directory that exists.
 */
final class DatabaseDirectoryCreator implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final String SQLITE_PREFIX = "jdbc:sqlite:";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Path file = databaseFile(event.getEnvironment().getProperty("spring.datasource.url"));
        Path directory = (file != null) ? file.toAbsolutePath().getParent() : null;
        if (directory != null) {
            try {
                Files.createDirectories(directory);
            } catch (IOException ex) {
                throw new UncheckedIOException("Cannot create the database directory " + directory, ex);
            }
        }
    }

    /**
     * The file a SQLite JDBC URL names.
     * @param url a JDBC URL, possibly not a SQLite one
     * @return the file, or {@code null} for another database or an in-memory one
     */
    static Path databaseFile(String url) {
        if (url == null || !url.startsWith(SQLITE_PREFIX)) {
            return null;
        }
        String location = url.substring(SQLITE_PREFIX.length());
        int query = location.indexOf('?');
        if (query >= 0) {
            location = location.substring(0, query);
        }
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        if (location.isEmpty() || location.startsWith(":memory:") || location.startsWith(":resource:")) {
            return null;
        }
        return Path.of(location);
    }
}
