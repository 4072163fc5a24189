package io.github.sqlitehybrid.maintenance;

import io.github.sqlitehybrid.writer.WriterStats;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The figures of {@link SqliteMaintenance} since start: the {@code dbmaintenance} endpoint, and what the
 * {@code sqlite.hybrid.maintenance.*} meters read.
 *
 * @param walSizeBytes the WAL file's size now
 * @param walLimitBytes the size past which a WAL is reported ({@code sqlite.hybrid.maintenance.wal-limit})
 * @param passiveCheckpoints passive checkpoints run
 * @param busyCheckpoints of all checkpoints, those a reader or writer kept from completing
 * @param truncations truncating checkpoints run, when quiet or on demand
 * @param oversizedWal checks that found the WAL past its limit
 * @param lastCheckpoint the last checkpoint, of either mode
 * @param longReads the reads open now for longer than {@code sqlite.hybrid.writer.long-read-threshold}, oldest
 *     first (empty without the single writer)
 * @param optimizations runs of {@code PRAGMA optimize}
 * @param lastOptimizeMs how long the last one took, {@code -1} before the first
 * @since 0.1.0
 */
public record MaintenanceStats(
        long walSizeBytes,
        long walLimitBytes,
        long passiveCheckpoints,
        long busyCheckpoints,
        long truncations,
        long oversizedWal,
        @Nullable WalCheckpoint lastCheckpoint,
        List<WriterStats.LongRead> longReads,
        long optimizations,
        long lastOptimizeMs) {}
