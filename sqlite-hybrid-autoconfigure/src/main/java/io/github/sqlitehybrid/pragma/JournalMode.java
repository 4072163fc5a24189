package io.github.sqlitehybrid.pragma;

import java.util.Locale;

/**
 * Values of SQLite's {@code journal_mode} PRAGMA.
 *
 * @since 0.1.0
 */
public enum JournalMode {

    /** Rollback journal deleted at the end of each transaction (SQLite's own default). */
    DELETE,

    /** Rollback journal truncated to zero length at the end of each transaction. */
    TRUNCATE,

    /** Rollback journal kept, its header zeroed at the end of each transaction. */
    PERSIST,

    /** Rollback journal held in memory: a crash mid-transaction can corrupt the database. */
    MEMORY,

    /** Write-ahead log: readers never block the writer and the writer never blocks readers. */
    WAL,

    /** No journal: no atomic commit and no rollback. */
    OFF;

    /**
     * The value as SQLite reports it back from {@code PRAGMA journal_mode}.
     * @return the lower-case value
     */
    public String sqlValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
