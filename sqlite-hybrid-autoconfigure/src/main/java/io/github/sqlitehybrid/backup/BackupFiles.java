package io.github.sqlitehybrid.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The backup directory of one database: how backups are named ({@code <database>-<UTC time>.db}, so that names
 * sort by time), which files are complete backups, and the temporary name a copy has until it is verified.
 */
final class BackupFiles {

    /** Appended to a copy's name until it is complete and verified: such a file is never listed as a backup. */
    static final String PART = ".part";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final String SUFFIX = ".db";

    private final Path directory;

    private final String stem;

    BackupFiles(Path directory, String database) {
        this.directory = directory;
        this.stem = stemOf(database);
    }

    Path directory() {
        return this.directory;
    }

    /** The name of a backup whose copy begins at {@code at}. */
    String nameFor(Instant at) {
        return this.stem + "-" + STAMP.format(at) + SUFFIX;
    }

    /** Complete backups, newest first. */
    List<BackupEntry> list() {
        List<BackupEntry> entries = new ArrayList<>();
        if (!Files.isDirectory(this.directory)) {
            return entries;
        }
        // Filtered by name rather than by a glob, which a database name with brackets or braces would break.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory)) {
            for (Path file : files) {
                Instant createdAt = createdAt(file.getFileName().toString());
                if (createdAt != null && Files.isRegularFile(file)) {
                    entries.add(new BackupEntry(file.getFileName().toString(), Files.size(file), createdAt));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not list the backups in " + this.directory, ex);
        }
        entries.sort(Comparator.comparing(BackupEntry::createdAt).reversed());
        return entries;
    }

    /** Copies left by an attempt that never completed (a crash mid-backup): they are deleted. */
    void deleteLeftovers() throws IOException {
        if (!Files.isDirectory(this.directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(PART) && createdAt(name.substring(0, name.length() - PART.length())) != null) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** When a backup named so was begun, or {@code null} when the name is not one of this database's backups. */
    @Nullable
    Instant createdAt(String name) {
        String prefix = this.stem + "-";
        if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return Instant.from(STAMP.parse(name.substring(prefix.length(), name.length() - SUFFIX.length())));
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    /** The database file's name without its extension: {@code orders.db} gives {@code orders}. */
    private static String stemOf(String database) {
        String name = Path.of(database).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return (dot > 0) ? name.substring(0, dot) : name;
    }
}
