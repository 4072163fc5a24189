package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrite.Keyed;
import io.github.sqlitehybrid.buffer.PendingWrite.RowIdentity;
import io.github.sqlitehybrid.buffer.TableSchema.KeyShape;
import io.github.sqlitehybrid.buffer.WriteBufferStats.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The pending rows: bounded by {@code max-pending}, ordered by table priority then arrival, with the calls on
 * one row coalesced into one pending write. Every method takes one short lock; none does I/O.
 */
final class PendingWrites {

    private static final Object INSERT_SIGNATURE = new Object();

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition notFull = this.lock.newCondition();

    private final int maxPending;

    private final int deadLetterCapacity;

    /** Pending writes by priority, each queue in arrival order; in-flight writes are out of their queue. */
    private final TreeMap<Integer, ArrayDeque<PendingWrite>> queues = new TreeMap<>();

    /** The newest pending write of each row that has one. */
    private final Map<RowIdentity, Keyed> latest = new HashMap<>();

    private final Map<String, TableState> tables = new HashMap<>();

    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();

    private long sequence;

    private int pending;

    private boolean closed;

    private long buffered;

    private long coalesced;

    private long flushed;

    private long failed;

    private long flushes;

    private long deadLetterCount;

    private long totalFlushNanos;

    private @Nullable Instant lastFlushTime;

    private @Nullable Duration lastFlushDuration;

    private @Nullable String lastFlushError;

    PendingWrites(int maxPending, int deadLetterCapacity) {
        this.maxPending = maxPending;
        this.deadLetterCapacity = deadLetterCapacity;
    }

    /**
     * Accept one call: merge it into its row's pending write, or add a pending write when there is room.
     * @param call the validated call
     * @param policy what to do when the buffer is full
     * @param timeout how long {@link OverflowPolicy#BLOCK} waits for room
     * @param requestFlush asks for a flush; run, under the lock, before waiting for room
     * @return the number of pending rows after the call
     * @throws WriteBufferFullException when there is no room, at once or after the timeout
     * @throws IllegalStateException when the buffer is stopped
     */
    int offer(Call call, OverflowPolicy policy, Duration timeout, Runnable requestFlush) {
        long timeoutNanos = (policy == OverflowPolicy.BLOCK) ? timeout.toNanos() : 0;
        long start = System.nanoTime();
        this.lock.lock();
        try {
            while (true) {
                if (this.closed) {
                    throw new IllegalStateException("The write buffer is stopped (the application is shutting down):"
                            + " the write to table '" + call.table().name() + "' was not accepted");
                }
                TableState state = this.tables.computeIfAbsent(call.table().quotedName(), (name) -> new TableState());
                state.name = call.table().name();
                Object signature = (call.key() != null) ? call.key().names() : INSERT_SIGNATURE;
                if (!signature.equals(state.signature)) {
                    // Calls of another kind on this table (inserts, or another key) may touch the same rows:
                    // coalescing across them could move a call's effect before theirs, so a new run begins.
                    state.signature = signature;
                    state.generation++;
                }
                Keyed existing = (call.identity() != null) ? this.latest.get(call.identity()) : null;
                if (existing != null
                        && !existing.inFlight
                        && existing.generation == state.generation
                        && existing.table == call.table()) {
                    call.applyTo(existing);
                    this.buffered++;
                    this.coalesced++;
                    return this.pending;
                }
                if (this.pending < this.maxPending) {
                    add(call, state, existing);
                    return this.pending;
                }
                long waited = System.nanoTime() - start;
                if (waited >= timeoutNanos) {
                    throw new WriteBufferFullException(
                            call.givenTable(),
                            this.maxPending,
                            (policy == OverflowPolicy.BLOCK) ? timeout : Duration.ZERO);
                }
                requestFlush.run();
                try {
                    this.notFull.awaitNanos(timeoutNanos - waited);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new WriteBufferFullException(
                            call.givenTable(), this.maxPending, Duration.ofNanos(System.nanoTime() - start));
                }
            }
        } finally {
            this.lock.unlock();
        }
    }

    private void add(Call call, TableState state, @Nullable Keyed existing) {
        long next = ++this.sequence;
        PendingWrite write;
        KeyShape key = call.key();
        if (key == null) {
            write = new PendingWrite.Insert(call.table(), next, call.priority(), call.values());
        } else {
            RowIdentity identity = call.requireIdentity();
            Keyed keyed = new Keyed(
                    call.table(),
                    next,
                    call.priority(),
                    identity,
                    key,
                    call.keyValues(),
                    state.generation,
                    (existing != null && !existing.done) ? existing : null);
            call.applyTo(keyed);
            this.latest.put(identity, keyed);
            write = keyed;
        }
        this.queues
                .computeIfAbsent(call.priority(), (priority) -> new ArrayDeque<>())
                .addLast(write);
        this.pending++;
        state.pending++;
        this.buffered++;
    }

    /**
     * The sequence number of the newest pending write: a flush writes up to it, so writes arriving during the
     * flush wait for the next one.
     */
    long lastSequence() {
        this.lock.lock();
        try {
            return this.sequence;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * Take the next batch, in priority then arrival order, marking its writes in flight.
     * @param max most writes to take
     * @param upTo take only writes with a sequence number up to this
     * @return the batch, empty when nothing up to {@code upTo} is pending
     */
    List<PendingWrite> take(int max, long upTo) {
        this.lock.lock();
        try {
            List<PendingWrite> batch = new ArrayList<>(Math.min(max, this.pending));
            for (ArrayDeque<PendingWrite> queue : this.queues.values()) {
                while (batch.size() < max && !queue.isEmpty() && queue.peekFirst().sequence <= upTo) {
                    PendingWrite write = queue.pollFirst();
                    write.inFlight = true;
                    batch.add(write);
                }
                if (batch.size() >= max) {
                    break;
                }
            }
            return batch;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * A batch committed: its written and refused writes leave the buffer, making room.
     * @param batch the batch as taken
     * @param refused the refused writes and their dead letters
     * @return the number of rows written
     */
    int complete(List<PendingWrite> batch, Map<PendingWrite, DeadLetter> refused) {
        this.lock.lock();
        try {
            for (PendingWrite write : batch) {
                write.done = true;
                write.inFlight = false;
                this.pending--;
                TableState state = this.tables.get(write.table.quotedName());
                if (state != null) {
                    state.pending--;
                }
                if (write instanceof Keyed keyed && this.latest.get(keyed.identity) == keyed) {
                    this.latest.remove(keyed.identity);
                }
            }
            for (DeadLetter deadLetter : refused.values()) {
                this.deadLetterCount++;
                if (this.deadLetterCapacity > 0) {
                    if (this.deadLetters.size() == this.deadLetterCapacity) {
                        this.deadLetters.pollFirst();
                    }
                    this.deadLetters.addLast(deadLetter);
                }
            }
            int written = batch.size() - refused.size();
            this.flushed += written;
            this.lastFlushError = null;
            this.notFull.signalAll();
            return written;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * A batch failed as a whole: its writes go back where they were, pending, in their order.
     * @param batch the batch as taken
     * @param error what went wrong
     */
    void restore(List<PendingWrite> batch, String error) {
        this.lock.lock();
        try {
            for (int i = batch.size() - 1; i >= 0; i--) {
                PendingWrite write = batch.get(i);
                write.inFlight = false;
                this.queues
                        .computeIfAbsent(write.priority, (priority) -> new ArrayDeque<>())
                        .addFirst(write);
            }
            this.failed++;
            this.lastFlushError = error;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * Count a flush that had rows to write.
     * @param end when it ended
     * @param nanos how long it took
     */
    void recordFlush(Instant end, long nanos) {
        this.lock.lock();
        try {
            this.flushes++;
            this.totalFlushNanos += nanos;
            this.lastFlushTime = end;
            this.lastFlushDuration = Duration.ofNanos(nanos);
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * What the pending writes of one row will make of it.
     * @param identity the row
     * @return {@code null} when nothing is pending for it; {@link PendingWrite#ABSENT} when it will be absent;
     *     else the columns they give it
     */
    @Nullable
    Object view(RowIdentity identity) {
        this.lock.lock();
        try {
            Keyed newest = this.latest.get(identity);
            if (newest == null) {
                return null;
            }
            List<Keyed> chain = new ArrayList<>();
            for (Keyed write = newest; write != null && !write.done; write = write.previous) {
                chain.add(write);
            }
            Collections.reverse(chain);
            Object known = null;
            for (Keyed write : chain) {
                known = write.view(known);
            }
            return known;
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * The number of pending rows, those being flushed included.
     * @return the number
     */
    int size() {
        this.lock.lock();
        try {
            return this.pending;
        } finally {
            this.lock.unlock();
        }
    }

    /** Refuse further calls, and wake callers waiting for room so they fail at once. */
    void close() {
        this.lock.lock();
        try {
            this.closed = true;
            this.notFull.signalAll();
        } finally {
            this.lock.unlock();
        }
    }

    /** Accept calls again, after a restart. */
    void open() {
        this.lock.lock();
        try {
            this.closed = false;
        } finally {
            this.lock.unlock();
        }
    }

    WriteBufferStats stats() {
        this.lock.lock();
        try {
            Map<String, Integer> byTable = new TreeMap<>();
            this.tables.values().forEach((state) -> {
                if (state.pending > 0) {
                    byTable.put(state.name, state.pending);
                }
            });
            return new WriteBufferStats(
                    this.pending,
                    Collections.unmodifiableMap(byTable),
                    this.buffered,
                    this.coalesced,
                    this.flushed,
                    this.failed,
                    this.flushes,
                    this.lastFlushTime,
                    this.lastFlushDuration,
                    this.lastFlushError,
                    Duration.ofNanos(this.totalFlushNanos),
                    this.deadLetterCount,
                    List.copyOf(this.deadLetters));
        } finally {
            this.lock.unlock();
        }
    }

    static double nanosToSeconds(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }

    /** What the buffer knows of one table. */
    private static final class TableState {

        private String name = "";

        private int pending;

        private @Nullable Object signature;

        private long generation;
    }

    /** The kind of a write call. */
    enum Kind {
        INSERT,
        UPSERT,
        UPDATE,
        DELETE
    }

    /**
     * One validated call.
     *
     * @param kind what the call does
     * @param table the table
     * @param givenTable the table's name as the caller gave it, for messages
     * @param priority the table's flush priority
     * @param key the key for a keyed call, {@code null} for an insert
     * @param keyValues the key's values in the key's column order, for a keyed call
     * @param identity the row, for a keyed call
     * @param values the values by column index, {@link PendingWrite#UNSET} where the call names no value
     */
    record Call(
            Kind kind,
            TableSchema table,
            String givenTable,
            int priority,
            @Nullable KeyShape key,
            Object[] keyValues,
            @Nullable RowIdentity identity,
            @Nullable Object[] values) {

        /** The row of a keyed call: every call but an insert has one. */
        RowIdentity requireIdentity() {
            if (this.identity == null) {
                throw new IllegalStateException("An insert has no row identity");
            }
            return this.identity;
        }

        void applyTo(Keyed write) {
            switch (this.kind) {
                case UPSERT -> write.upsert(this.values);
                case UPDATE -> write.update(this.values);
                case DELETE -> write.delete();
                case INSERT -> throw new IllegalStateException("An insert is never coalesced");
            }
        }
    }
}
