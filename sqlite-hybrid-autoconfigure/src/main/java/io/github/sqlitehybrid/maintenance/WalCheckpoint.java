package io.github.sqlitehybrid.maintenance;

import java.time.Instant;

/**
 * The result of one checkpoint of the WAL, as {@code PRAGMA wal_checkpoint} reports it, with the WAL file's size
 * before and after.
 *
 * @param mode {@code PASSIVE} or {@code TRUNCATE}
 * @param at when it began
 * @param busy whether it could not complete: a reader or a writer kept it from copying or restarting the WAL
 * @param walFrames frames in the WAL when it ended, {@code -1} when the database is not in WAL mode
 * @param checkpointedFrames of those, the frames copied into the database
 * @param walBytesBefore the WAL file's size before
 * @param walBytesAfter the WAL file's size after
 * @param durationMs how long it took, in milliseconds
 * @since 0.1.0
 */
public record WalCheckpoint(
        String mode,
        Instant at,
        boolean busy,
        long walFrames,
        long checkpointedFrames,
        long walBytesBefore,
        long walBytesAfter,
        long durationMs) {

    /**
     * Whether every frame in the WAL is in the database now.
     * @return {@code true} when nothing of the WAL is left to copy
     */
    public boolean isComplete() {
        return !this.busy && this.walFrames == this.checkpointedFrames;
    }
}
