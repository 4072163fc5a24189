package io.github.sqlitehybrid;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.lang.Contract;

/**
 * What a SQLite JDBC URL says about its database, in one place for every feature: whether a URL is SQLite's,
 * whether it names a file or an in-memory or temporary database, and, before any connection is opened, whether
 * that file can be written. SQLite itself only fails at the first connection, with "unable to open database
 * file" or "attempt to write a readonly database", which name no path; the journal and WAL files it creates
 * beside the database need a writable directory too.
 *
 * @since 0.1.0
 */
public final class SqliteDatabasePaths {

    private static final String PREFIX = ConditionalOnSqliteDatabase.SQLITE_URL_PREFIX;

    private SqliteDatabasePaths() {}

    /**
     * Whether a JDBC URL is SQLite's.
     * @param url a JDBC URL, or {@code null}
     * @return whether it starts with {@code jdbc:sqlite:}
     */
    @Contract("null -> false")
    public static boolean isSqliteUrl(@Nullable String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /**
     * Whether a JDBC URL is SQLite's and names a database file that other connections share: not an in-memory
     * database ({@code :memory:}, {@code mode=memory}) and not a temporary one (an empty name).
     * @param url a JDBC URL, or {@code null}
     * @return whether connections to it share one file
     */
    public static boolean isFileUrl(@Nullable String url) {
        if (!isSqliteUrl(url)) {
            return false;
        }
        Location location = Location.of(url);
        return !location.name().isEmpty() && !location.inMemory();
    }

    /**
     * What a SQLite JDBC URL names after its prefix: a path or a {@code file:} URI, with its query.
     * @param url a SQLite JDBC URL
     * @return the URL without {@code jdbc:sqlite:}
     * @throws IllegalArgumentException if the URL is not SQLite's
     */
    public static String locationOf(String url) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("Not a SQLite JDBC URL (" + PREFIX + "...): " + url);
        }
        return url.substring(PREFIX.length());
    }

    /**
     * The database file a DataSource writes, read from the URL of one of its connections, for a feature that works
     * on the file itself.
     * @param dataSource the application's DataSource
     * @param property the property that turned the feature on, named in the messages
     * @param without what the feature cannot do when there is no such file, for the message
     * @return the absolute file
     * @throws IllegalStateException when no connection can be had, or the database is not a SQLite file the
     *     application writes
     */
    public static Path requireWritableFile(DataSource dataSource, String property, String without) {
        String url;
        try (Connection connection = dataSource.getConnection()) {
            url = connection.getMetaData().getURL();
        } catch (SQLException ex) {
            throw new IllegalStateException(
                    "Could not open a connection to find the database file for " + property, ex);
        }
        Path file = writableFileOf(url);
        if (file == null) {
            throw new IllegalStateException(property + " is true, but " + url
                    + " is not a SQLite database file the application writes: " + without);
        }
        return file;
    }

    /**
     * The file a {@code jdbc:sqlite:} URL opens for writing.
     * @param url a JDBC URL
     * @return the absolute file, or {@code null} for a URL that is not SQLite's, an in-memory, temporary or
     *     resource database, or one opened read-only ({@code mode=ro}, {@code immutable=1}, an
     *     {@code open_mode} with the read-only flag)
     */
    public static @Nullable Path writableFileOf(@Nullable String url) {
        if (!isSqliteUrl(url)) {
            return null;
        }
        Location location = Location.of(url);
        String name = location.name();
        if (name.isEmpty() || location.inMemory() || name.startsWith(":resource:") || readOnly(location.query())) {
            return null;
        }
        try {
            return Path.of(name).toAbsolutePath().normalize();
        } catch (InvalidPathException ex) {
            return null;
        }
    }

    private static boolean readOnly(String query) {
        for (String parameter : query.split("&")) {
            String[] pair = parameter.split("=", 2);
            String value = (pair.length > 1) ? pair[1].strip() : "";
            switch (pair[0].strip()) {
                case "mode":
                    if (value.equals("ro")) {
                        return true;
                    }
                    break;
                case "immutable":
                    if (value.equals("1") || value.equals("true")) {
                        return true;
                    }
                    break;
                case "open_mode":
                    try {
                        // SQLITE_OPEN_READONLY is 0x1.
                        if ((Integer.decode(value) & 1) != 0) {
                            return true;
                        }
                    } catch (NumberFormatException ex) {
                        // Not a number: sqlite-jdbc will refuse it with its own error.
                    }
                    break;
                default:
                    break;
            }
        }
        return false;
    }

    /**
     * What a SQLite URL opens: the file name (a {@code file:} URI's path, decoded) and the query, lower case.
     */
    private record Location(String name, String query) {

        static Location of(String url) {
            String name = locationOf(url);
            String query = "";
            int question = name.indexOf('?');
            if (question >= 0) {
                query = name.substring(question + 1).toLowerCase(Locale.ROOT);
                name = name.substring(0, question);
            }
            if (name.startsWith("file:")) {
                name = name.substring("file:".length());
                if (name.startsWith("//")) {
                    // file://host/path: the authority is empty or localhost; the path starts at the next slash.
                    int slash = name.indexOf('/', 2);
                    name = (slash >= 0) ? name.substring(slash) : "";
                }
                name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
            }
            return new Location(name, query);
        }

        /** {@code :memory:}, or a URI with {@code mode=memory}: a database of this connection, or shared in memory. */
        boolean inMemory() {
            return this.name.startsWith(":memory:")
                    || Arrays.stream(this.query.split("&"))
                            .anyMatch((parameter) -> parameter.replace(" ", "").equals("mode=memory"));
        }
    }

    /**
     * Fail unless the database of a {@code jdbc:sqlite:} URL can be written: its directory exists and is
     * writable, and the file, if it exists, is a writable file. URLs {@link #writableFileOf} skips pass.
     * @param url the JDBC URL
     * @param setting where the URL comes from, for the message, such as {@code spring.datasource.url}
     * @throws UnusableDatabasePathException naming the path at fault
     */
    public static void checkWritable(@Nullable String url, String setting) {
        Path file = (url != null) ? writableFileOf(url) : null;
        if (url == null || file == null) {
            return;
        }
        Path directory = file.getParent();
        if (directory != null) {
            if (!Files.exists(directory)) {
                throw new UnusableDatabasePathException(
                        url,
                        directory,
                        "the directory of " + file + " does not exist",
                        "Create the directory, or point " + setting + " at a file in an existing, writable"
                                + " directory.");
            }
            if (!Files.isDirectory(directory)) {
                throw new UnusableDatabasePathException(
                        url,
                        directory,
                        "the parent of " + file + " is not a directory",
                        "Point " + setting + " at a file in a writable directory.");
            }
            if (!Files.isWritable(directory)) {
                throw new UnusableDatabasePathException(
                        url,
                        directory,
                        "the directory of " + file + " is read-only (SQLite creates its journal and WAL"
                                + " files there)",
                        "Make the directory writable for the user running the application (check its"
                                + " permissions and that its file system is not mounted read-only), or point "
                                + setting + " at a file in a writable directory.");
            }
        }
        if (Files.isDirectory(file)) {
            throw new UnusableDatabasePathException(
                    url, file, "the path is a directory, not a database file", "Point " + setting + " at a file.");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new UnusableDatabasePathException(
                    url,
                    file,
                    "the database file is read-only",
                    "Make the file writable for the user running the application, or, to only read it, open"
                            + " it read-only (for example jdbc:sqlite:file:" + file + "?mode=ro).");
        }
    }
}
