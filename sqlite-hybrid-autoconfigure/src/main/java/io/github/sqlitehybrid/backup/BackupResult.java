package io.github.sqlitehybrid.backup;

import java.time.Instant;

/**
 * A backup just taken.
 *
 * @param file the file's name in the backup directory
 * @param sizeBytes its size
 * @param createdAt when the copy began: it holds every transaction committed before then
 * @param durationMs how long copying, checking and renaming it took
 * @since 0.1.0
 */
public record BackupResult(String file, long sizeBytes, Instant createdAt, long durationMs) {

    /**
     * The backup as it is listed.
     * @return its entry
     */
    public BackupEntry entry() {
        return new BackupEntry(this.file, this.sizeBytes, this.createdAt);
    }
}
