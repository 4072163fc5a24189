package io.github.sqlitehybrid.pragma;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * PRAGMAs applied to every physical connection of the application's SQLite DataSource.
 *
 * <p>Values are checked when they are bound; a bad one fails startup with a message that names the
 * property, the value and what is allowed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("sqlite.hybrid.pragmas")
public class PragmaProperties {

    /** Journal mode; WAL lets readers run while one connection writes. */
    private JournalMode journalMode = JournalMode.WAL;

    /** How often SQLite syncs to disk; NORMAL is durable against application crashes in WAL mode. */
    private Synchronous synchronous = Synchronous.NORMAL;

    /** How long a connection waits for another process's lock before failing with SQLITE_BUSY. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration busyTimeout = Duration.ofSeconds(5);

    /** Whether foreign key constraints are enforced. */
    private boolean foreignKeys = true;

    /** Page cache size per connection. */
    @DataSizeUnit(DataUnit.MEGABYTES)
    private DataSize cacheSize = DataSize.ofMegabytes(64);

    /** Where temporary tables and indices are kept. */
    private TempStore tempStore = TempStore.MEMORY;

    /** Bytes of the database file mapped into memory; 0 turns memory-mapped I/O off. */
    @DataSizeUnit(DataUnit.MEGABYTES)
    private DataSize mmapSize = DataSize.ofMegabytes(256);

    /** Size the journal or WAL file is truncated to after a checkpoint; -1 for no limit. */
    @DataSizeUnit(DataUnit.MEGABYTES)
    private DataSize journalSizeLimit = DataSize.ofMegabytes(64);

    /** WAL size, in pages, at which a commit triggers an automatic checkpoint; 0 turns it off. */
    private int walAutocheckpoint = 1000;

    /**
     * Any other PRAGMA by its SQLite name, such as auto_vacuum: incremental. Names must be
     * identifiers; values an integer or a keyword.
     */
    private Map<String, String> extra = new LinkedHashMap<>();

    public JournalMode getJournalMode() {
        return this.journalMode;
    }

    public void setJournalMode(JournalMode journalMode) {
        this.journalMode = journalMode;
    }

    public Synchronous getSynchronous() {
        return this.synchronous;
    }

    public void setSynchronous(Synchronous synchronous) {
        this.synchronous = synchronous;
    }

    public Duration getBusyTimeout() {
        return this.busyTimeout;
    }

    public void setBusyTimeout(Duration busyTimeout) {
        if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busy-timeout must be between 0 and " + Integer.MAX_VALUE + "ms");
        }
        this.busyTimeout = busyTimeout;
    }

    public boolean isForeignKeys() {
        return this.foreignKeys;
    }

    public void setForeignKeys(boolean foreignKeys) {
        this.foreignKeys = foreignKeys;
    }

    public DataSize getCacheSize() {
        return this.cacheSize;
    }

    public void setCacheSize(DataSize cacheSize) {
        requireNotNegative("cache-size", cacheSize);
        this.cacheSize = cacheSize;
    }

    public TempStore getTempStore() {
        return this.tempStore;
    }

    public void setTempStore(TempStore tempStore) {
        this.tempStore = tempStore;
    }

    public DataSize getMmapSize() {
        return this.mmapSize;
    }

    public void setMmapSize(DataSize mmapSize) {
        requireNotNegative("mmap-size", mmapSize);
        this.mmapSize = mmapSize;
    }

    public DataSize getJournalSizeLimit() {
        return this.journalSizeLimit;
    }

    public void setJournalSizeLimit(DataSize journalSizeLimit) {
        // "-1" binds in the property's unit, megabytes: -1MB means no limit as -1B does.
        boolean noLimit = journalSizeLimit.toBytes() == -1 || journalSizeLimit.equals(DataSize.ofMegabytes(-1));
        if (journalSizeLimit.isNegative() && !noLimit) {
            throw new IllegalArgumentException("journal-size-limit must be -1 (no limit) or a size of 0 or more");
        }
        this.journalSizeLimit = noLimit ? DataSize.ofBytes(-1) : journalSizeLimit;
    }

    public int getWalAutocheckpoint() {
        return this.walAutocheckpoint;
    }

    public void setWalAutocheckpoint(int walAutocheckpoint) {
        if (walAutocheckpoint < 0) {
            throw new IllegalArgumentException("wal-autocheckpoint must be 0 (off) or a number of pages");
        }
        this.walAutocheckpoint = walAutocheckpoint;
    }

    public Map<String, String> getExtra() {
        return this.extra;
    }

    public void setExtra(Map<String, String> extra) {
        this.extra = extra;
    }

    private static void requireNotNegative(String name, DataSize size) {
        if (size.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
