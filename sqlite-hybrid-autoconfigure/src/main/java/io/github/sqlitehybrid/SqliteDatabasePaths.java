package io.github.sqlitehybrid;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Checks, before any connection is opened, that a SQLite database can be written where its JDBC URL puts it.
 * SQLite itself only fails at the first connection, with "unable to open database file" or "attempt to write
 * a readonly database", which name no path; the journal and WAL files it creates beside the database need a
 * writable directory too.
 */
public final class SqliteDatabasePaths {

    private static final String PREFIX = "jdbc:sqlite:";

    private SqliteDatabasePaths() {}

    /**
     * The file a {@code jdbc:sqlite:} URL opens for writing.
     * @param url a JDBC URL
     * @return the absolute file, or {@code null} for a URL that is not SQLite's, an in-memory, temporary or
     *     resource database, or one opened read-only ({@code mode=ro}, {@code immutable=1}, an
     *     {@code open_mode} with the read-only flag)
     */
    public static @Nullable Path writableFileOf(@Nullable String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return null;
        }
        String name = url.substring(PREFIX.length());
        String query = "";
        int question = name.indexOf('?');
        if (question >= 0) {
            query = name.substring(question + 1).toLowerCase(Locale.ROOT);
            name = name.substring(0, question);
        }
        boolean uri = name.startsWith("file:");
        if (uri) {
            name = name.substring("file:".length());
            if (name.startsWith("//")) {
                // file://host/path: the authority is empty or localhost; the path starts at the next slash.
                int slash = name.indexOf('/', 2);
                name = (slash >= 0) ? name.substring(slash) : "";
            }
            name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        if (name.isEmpty() || name.startsWith(":memory:") || name.startsWith(":resource:") || readOnly(query)) {
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
                    if (value.equals("memory") || value.equals("ro")) {
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
