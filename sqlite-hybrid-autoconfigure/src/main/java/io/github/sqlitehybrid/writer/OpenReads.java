package io.github.sqlitehybrid.writer;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The reads that may hold a snapshot of the database now: read-only transactions, and reads outside a transaction
 * while a result set is open on the read pool's connection. While one is open, SQLite cannot checkpoint the WAL
 * past its snapshot. Only the set: what is long, and what is logged or counted, is for its owner to say.
 */
final class OpenReads {

    private final Set<Read> open = ConcurrentHashMap.newKeySet();

    /** A read began on this thread. */
    Read began(String name) {
        return began(name, null);
    }

    /**
     * A read outside a transaction began on this thread; {@code sql} is described only if it is ever listed or
     * logged, not on every query.
     */
    Read began(String name, @Nullable String sql) {
        Read read = new Read(name, sql, Thread.currentThread().getName(), System.nanoTime());
        this.open.add(read);
        return read;
    }

    /**
     * The read ended.
     * @return how long it was open, in nanoseconds
     */
    long ended(Read read) {
        this.open.remove(read);
        return System.nanoTime() - read.since;
    }

    /** The reads open for longer than {@code threshold} now, oldest first. */
    List<WriterStats.LongRead> openLongerThan(Duration threshold) {
        long now = System.nanoTime();
        long limit = threshold.toNanos();
        return this.open.stream()
                .filter((read) -> now - read.since > limit)
                .sorted(Comparator.comparingLong((Read read) -> read.since))
                .map((read) -> new WriterStats.LongRead(read.name(), read.thread, (now - read.since) / 1e6))
                .toList();
    }

    /** One open read. Equal only to itself: two reads may share a name, a thread and a start. */
    static final class Read {

        private volatile String name;

        private final @Nullable String sql;

        private final String thread;

        private final long since;

        private Read(String name, @Nullable String sql, String thread, long since) {
            this.name = name;
            this.sql = sql;
            this.thread = thread;
            this.since = since;
        }

        String name() {
            return (this.sql != null) ? this.name + PhysicalSql.describe(this.sql) : this.name;
        }

        String thread() {
            return this.thread;
        }

        /** The name Spring published for the transaction, once known. */
        void rename(String name) {
            this.name = name;
        }
    }
}
