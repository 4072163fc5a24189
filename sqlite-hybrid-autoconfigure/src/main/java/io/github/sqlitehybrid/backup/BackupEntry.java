package io.github.sqlitehybrid.backup;

import java.time.Instant;

/**
 * A complete backup in the backup directory.
 *
 * @param file the file's name in the backup directory
 * @param sizeBytes its size
 * @param createdAt when the copy began: it holds every transaction committed before then
 * @since 0.1.0
 */
public record BackupEntry(String file, long sizeBytes, Instant createdAt) {}
