package io.github.sqlitehybrid.pragma;

/**
 * Values of SQLite's {@code temp_store} PRAGMA: where temporary tables and indices live.
 *
 * @since 0.1.0
 */
public enum TempStore {

    /** As SQLite was compiled. */
    DEFAULT(0),

    /** In files. */
    FILE(1),

    /** In memory. */
    MEMORY(2);

    private final int level;

    TempStore(int level) {
        this.level = level;
    }

    /**
     * The number SQLite reports back from {@code PRAGMA temp_store}.
     * @return the level
     */
    public int level() {
        return this.level;
    }
}
