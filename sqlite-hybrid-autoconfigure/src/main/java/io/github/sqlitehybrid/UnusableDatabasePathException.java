package io.github.sqlitehybrid;

import java.nio.file.Path;

/**
 * The file of a SQLite database cannot be written where the configuration puts it: its directory is
 * missing, is not a directory, or is read-only, or the file itself is read-only. Thrown at startup, before
 * the first connection is opened; {@link UnusableDatabasePathFailureAnalyzer} turns it into a report naming
 * the path and what to do.
 *
 * @since 0.1.0
 */
public final class UnusableDatabasePathException extends RuntimeException {

    private final String url;

    private final Path path;

    private final String problem;

    private final String action;

    /**
     * Create a new exception.
     * @param url the JDBC URL the path was taken from
     * @param path the file or directory at fault
     * @param problem what is wrong with it, such as {@code "the directory does not exist"}
     * @param action what to do about it
     */
    public UnusableDatabasePathException(String url, Path path, String problem, String action) {
        super("SQLite database '" + url + "' cannot be used: " + problem + ": " + path);
        this.url = url;
        this.path = path;
        this.problem = problem;
        this.action = action;
    }

    /**
     * The JDBC URL of the database.
     * @return the URL
     */
    public String getUrl() {
        return this.url;
    }

    /**
     * The file or directory at fault.
     * @return the absolute path
     */
    public Path getPath() {
        return this.path;
    }

    /**
     * What is wrong with the path.
     * @return a phrase such as {@code "the directory does not exist"}
     */
    public String getProblem() {
        return this.problem;
    }

    /**
     * What to do about it.
     * @return a sentence
     */
    public String getAction() {
        return this.action;
    }
}
