package io.github.sqlitehybrid.pragma;

/**
 * Values of SQLite's {@code synchronous} PRAGMA.
 *
 * @since 0.1.0
 */
public enum Synchronous {

    /** No syncs: fastest, but an OS crash or power loss can corrupt the database. */
    OFF(0),

    /** Syncs at critical moments only: in WAL mode durable against application crashes, not power loss. */
    NORMAL(1),

    /** Syncs on every commit. */
    FULL(2),

    /** As {@link #FULL}, also syncing the directory after a rollback journal is unlinked. */
    EXTRA(3);

    private final int level;

    Synchronous(int level) {
        this.level = level;
    }

    /**
     * The number SQLite reports back from {@code PRAGMA synchronous}.
     * @return the level
     */
    public int level() {
        return this.level;
    }
}
