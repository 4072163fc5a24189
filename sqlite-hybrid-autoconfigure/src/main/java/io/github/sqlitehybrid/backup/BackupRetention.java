package io.github.sqlitehybrid.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Which backups go once a new one is complete: those beyond the count to keep, and those too old; never the newest. */
final class BackupRetention {

    private final int keep;

    private final Duration maxAge;

    BackupRetention(int keep, Duration maxAge) {
        this.keep = keep;
        this.maxAge = maxAge;
    }

    /**
     * The backups to delete.
     * @param newestFirst the complete backups, newest first
     * @param now the time to judge their age by
     */
    List<BackupEntry> expired(List<BackupEntry> newestFirst, Instant now) {
        Instant oldestKept = now.minus(this.maxAge);
        List<BackupEntry> expired = new ArrayList<>();
        for (int i = 1; i < newestFirst.size(); i++) {
            BackupEntry entry = newestFirst.get(i);
            if (i >= this.keep || entry.createdAt().isBefore(oldestKept)) {
                expired.add(entry);
            }
        }
        return expired;
    }
}
