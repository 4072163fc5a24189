package io.github.sqlitehybrid.writer;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The right to write to one SQLite database, held by one write transaction at a time and handed on in
 * strict arrival order.
 *
 * <p>Writers wait here, in Java, instead of in SQLite's busy handler, which polls with sleeps of up to
 * 100 ms and lets late arrivals overtake. Waiters take the turn in arrival order, with one bounded
 * exception: a thread that gives the turn back and asks for it again within 50 microseconds (a worker
 * going straight on to its next transaction) gets it back without queueing, at most three turns in a row
 * while others wait. Handing the turn to another thread means waking it, which on two cores costs about
 * as much as a short transaction; taking a few turns in a row saves most of those hand-overs, and the cap
 * keeps every waiter's delay bounded. Only the first waiter stays runnable, yielding the processor, and
 * it never parks for more than a millisecond at a time; the others park until they reach the front.
 *
 * <p>The turn belongs to a {@link Holder}, not to a thread: it is released by whoever ends the
 * transaction. A wait is bounded; running out raises {@link WriteTurnTimeoutException}, which names the
 * holder.
 *
 * @since 0.1.0
 */
public final class WriteTurn {

    /** How long the first waiter stays runnable before it parks: longer than most write transactions take. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** How long a thread that gave the turn back may take it again without queueing. */
    private static final long GRACE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** Most turns one thread takes in a row while others wait. */
    private static final int MAX_STREAK = 3;

    /** The default of {@code sqlite.hybrid.writer.long-read-threshold}. */
    static final Duration DEFAULT_LONG_READ_THRESHOLD = Duration.ofSeconds(10);

    /**
     * Longest park of the first waiter before it looks again: whatever wake-up it might miss, it never
     * waits long for a free turn.
     */
    private static final long FIRST_WAITER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String database;

    private final AtomicReference<@Nullable Holder> holder = new AtomicReference<>();

    /** The thread that may take the turn back without queueing, until {@link #graceUntil}. */
    private volatile @Nullable Thread graceThread;

    private volatile long graceUntil;

    /** Turns in a row taken by the current holder's thread; written only by the holder. */
    private int streak;

    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    private final AtomicInteger waiting = new AtomicInteger();

    private final WriteTurnStatistics statistics;

    /** The reads of the database open now, through the single writer's read pool. */
    private final OpenReads openReads = new OpenReads();

    private final Duration longReadThreshold;

    /** Work of earlier holders still to be committed, left on the writer's connection for the next holder. */
    private volatile @Nullable PendingCommit pendingCommit;

    /**
     * Create a write turn.
     * @param database what the turn guards, for messages (a file path)
     * @param longTransactionThreshold holds longer than this are logged and counted
     */
    public WriteTurn(String database, Duration longTransactionThreshold) {
        this(database, longTransactionThreshold, DEFAULT_LONG_READ_THRESHOLD);
    }

    /**
     * Create a write turn that also reports long reads.
     * @param database what the turn guards, for messages (a file path)
     * @param longTransactionThreshold holds longer than this are logged and counted
     * @param longReadThreshold reads that keep their snapshot longer than this are logged, counted and listed
     */
    WriteTurn(String database, Duration longTransactionThreshold, Duration longReadThreshold) {
        this.database = database;
        this.statistics = new WriteTurnStatistics(database, longTransactionThreshold);
        this.longReadThreshold = longReadThreshold;
    }

    /**
     * Wait for the turn, in arrival order. An interrupt does not end the wait, which the timeout bounds: it is
     * kept and set again on return, as SQLite's own busy wait and a blocking JDBC call leave it. Schedulers
     * interrupt their threads to wake them at shutdown (Quartz does) and expect the statement under way to
     * finish rather than fail.
     * @param work what the caller will do with it, such as a transaction's method name; shown to waiters
     *     that time out
     * @param timeout the longest wait
     * @return the holder, to give back to {@link #release(Holder)}
     * @throws WriteTurnTimeoutException when the wait runs out; the message names the holder
     * @throws java.sql.SQLException when the thread already holds the turn (a second connection cannot
     *     write while the first holds the write lock)
     */
    public Holder acquire(String work, Duration timeout) throws java.sql.SQLException {
        Holder taken = take(work, timeout);
        PendingCommit pending = this.pendingCommit;
        if (pending != null) {
            // This holder writes on a connection of its own: what earlier holders left open is committed first,
            // so that SQLite's write lock is free to it.
            pending.commitBeforeAnotherWriter();
        }
        return taken;
    }

    /**
     * Wait for the turn, as {@link #acquire}, leaving any pending commit to the caller: the single writer,
     * whose next transaction joins it.
     */
    Holder acquireJoining(String work, Duration timeout) throws java.sql.SQLException {
        return take(work, timeout);
    }

    private Holder take(String work, Duration timeout) throws java.sql.SQLException {
        Thread current = Thread.currentThread();
        Holder held = this.holder.get();
        if (held != null && held.thread() == current) {
            throw new WriteTurnTimeoutException(this.database, work, timeout, held, true);
        }
        long start = System.nanoTime();
        if (this.graceThread == current && start - this.graceUntil < 0) {
            Holder again = new Holder(current, work, start);
            if (this.holder.compareAndSet(null, again)) {
                this.graceThread = null;
                this.streak++;
                this.statistics.acquired(0);
                return again;
            }
        }
        long deadline = start + timeout.toNanos();
        Waiter waiter = new Waiter(current);
        this.waiters.add(waiter);
        this.waiting.incrementAndGet();
        boolean interrupted = false;
        try {
            long spinUntil = 0;
            while (true) {
                boolean first = this.waiters.peek() == waiter;
                if (first && !inGraceOfAnother(current)) {
                    Holder candidate = new Holder(current, work, System.nanoTime());
                    if (this.holder.compareAndSet(null, candidate)) {
                        this.graceThread = null;
                        this.streak = 1;
                        this.waiters.poll();
                        wakeFirstWaiter();
                        this.statistics.acquired(candidate.since() - start);
                        return candidate;
                    }
                    if (spinUntil == 0) {
                        spinUntil = System.nanoTime() + SPIN_NANOS;
                    }
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    this.statistics.timedOut();
                    throw new WriteTurnTimeoutException(this.database, work, timeout, this.holder.get(), false);
                }
                if (spinUntil != 0 && now - spinUntil < 0) {
                    // Yield rather than spin: with few cores, the holder and the thread that just gave the
                    // turn back need the processor more than this waiter does.
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(
                            this, Math.min(deadline - now, first ? firstWaiterPark(now) : Long.MAX_VALUE));
                    // Cleared while waiting, or every later park would return at once.
                    interrupted |= Thread.interrupted();
                }
            }
        } catch (java.sql.SQLException | RuntimeException | Error ex) {
            if (this.waiters.remove(waiter)) {
                // Leaving from the front: the next waiter must not wait for a release that already happened.
                wakeFirstWaiter();
            }
            throw ex;
        } finally {
            this.waiting.decrementAndGet();
            if (interrupted) {
                current.interrupt();
            }
        }
    }

    /**
     * Give the turn back and hand it to the first waiter.
     * @param released the holder {@link #acquire} returned
     */
    public void release(Holder released) {
        release(released, true);
    }

    /**
     * Give the turn back to the first waiter at once, without the grace that lets the releasing thread take it
     * again first: the single writer hands over an open group so, its holder going on to wait for the COMMIT.
     */
    void handOver(Holder released) {
        release(released, false);
    }

    private void release(Holder released, boolean grace) {
        if (this.holder.get() == released) {
            // Set before the turn is free, so that the first waiter sees it.
            this.graceUntil = System.nanoTime() + GRACE_NANOS;
            this.graceThread = (grace && this.streak < MAX_STREAK && this.waiting.get() > 0) ? released.thread() : null;
        }
        if (!this.holder.compareAndSet(released, null)) {
            throw new IllegalStateException("Write turn of " + this.database + " is not held by " + released);
        }
        wakeFirstWaiter();
        this.statistics.released(released, System.nanoTime() - released.since());
    }

    /**
     * Name what the holder is doing, once that is known: a transaction takes the turn when it begins, before
     * Spring has published its name.
     * @param held the holder {@link #acquire} returned
     * @param work what it is doing, such as the transaction's method name
     * @return the holder to give back to {@link #release(Holder)} from now on
     */
    public Holder rename(Holder held, String work) {
        Holder renamed = new Holder(held.thread(), work, held.since());
        return this.holder.compareAndSet(held, renamed) ? renamed : held;
    }

    /**
     * Record how long a holder of the turn took to get SQLite's own write lock ({@code BEGIN IMMEDIATE}).
     * Within the application the lock is always free to the holder of the turn, so any time beyond a
     * statement's cost is spent in SQLite's busy handler, waiting for another process.
     * @param nanos how long the {@code BEGIN IMMEDIATE} took
     * @param acquired {@code false} when it failed, such as with {@code SQLITE_BUSY} after {@code busy_timeout}
     */
    void recordLock(long nanos, boolean acquired) {
        this.statistics.locked(nanos, acquired);
    }

    void addListener(WriteTurnListener listener) {
        this.statistics.addListener(listener);
    }

    WriteTurnStatistics statistics() {
        return this.statistics;
    }

    /** Threads waiting for the turn now. */
    int waiting() {
        return this.waiting.get();
    }

    /** Set while earlier holders' work waits on the writer's connection for a COMMIT, cleared once committed. */
    void pendingCommit(@Nullable PendingCommit pending) {
        this.pendingCommit = pending;
    }

    /** Until another thread's grace ends, when nothing else would wake the first waiter; else a short while. */
    private long firstWaiterPark(long now) {
        long graceLeft = this.graceUntil - now;
        return (this.graceThread != null && graceLeft > 0)
                ? Math.min(graceLeft, FIRST_WAITER_PARK_NANOS)
                : FIRST_WAITER_PARK_NANOS;
    }

    private boolean inGraceOfAnother(Thread current) {
        Thread grace = this.graceThread;
        return grace != null && grace != current && System.nanoTime() - this.graceUntil < 0;
    }

    private void wakeFirstWaiter() {
        Waiter first = this.waiters.peek();
        if (first != null) {
            LockSupport.unpark(first.thread);
        }
    }

    /**
     * The current holder.
     * @return the holder, or {@code null} when the turn is free
     */
    public @Nullable Holder holder() {
        return this.holder.get();
    }

    /**
     * Whether the current thread holds the turn.
     * @return {@code true} if it does
     */
    public boolean isHeldByCurrentThread() {
        Holder held = this.holder.get();
        return held != null && held.thread() == Thread.currentThread();
    }

    /**
     * What the turn guards.
     * @return the database's file path
     */
    public String database() {
        return this.database;
    }

    /**
     * Figures since the turn was created.
     * @return a snapshot
     */
    public WriterStats stats() {
        return this.statistics.snapshot(
                this.waiting.get(), this.holder.get(), this.openReads.openLongerThan(this.longReadThreshold));
    }

    OpenReads openReads() {
        return this.openReads;
    }

    Duration longReadThreshold() {
        return this.longReadThreshold;
    }

    /** Work left uncommitted on the single writer's connection by earlier holders of the turn. */
    interface PendingCommit {

        /** Commit it now, on behalf of a holder that writes on another connection; called holding the turn. */
        void commitBeforeAnotherWriter();
    }

    /** A thread waiting for the turn. */
    private static final class Waiter {

        private final Thread thread;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    /**
     * Who holds the turn.
     *
     * @param thread the thread that took it
     * @param work what it is doing, such as a transaction's method name
     * @param since when it took the turn, in {@link System#nanoTime()} units
     */
    public record Holder(Thread thread, String work, long since) {

        /**
         * How long the turn has been held.
         * @return the time since it was taken
         */
        public Duration heldFor() {
            return Duration.ofNanos(System.nanoTime() - this.since);
        }

        /**
         * A line naming the holder, for messages.
         * @return thread, work and time held
         */
        public String describe() {
            return "thread '" + this.thread.getName() + "' in " + this.work + " for "
                    + heldFor().toMillis() + " ms";
        }
    }

    /**
     * Figures of a write turn.
     * @deprecated since 0.1.0 for removal: {@link #stats()} returns a {@link WriterStats}, the single writer's
     *     statistics type, with the same accessors
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public interface Stats {

        /** @return times the turn was taken */
        long acquisitions();

        /** @return threads waiting now */
        int waiting();

        /** @return waits that ran out */
        long timeouts();

        /** @return holds longer than the long-transaction threshold */
        long longTransactions();

        /** @return mean wait for the turn, in milliseconds */
        double avgWaitMs();

        /** @return longest wait for the turn, in milliseconds */
        double maxWaitMs();

        /** @return mean time the turn was held, in milliseconds */
        double avgHoldMs();

        /** @return longest time the turn was held, in milliseconds */
        double maxHoldMs();

        /** @return who holds it now, {@code null} when free */
        @Nullable
        String holder();

        /** @return times a holder asked SQLite for its write lock */
        long locks();

        /** @return of those, the ones that failed */
        long lockFailures();

        /** @return time spent getting SQLite's write lock, in milliseconds */
        double totalLockWaitMs();

        /** @return mean time to get SQLite's write lock, in milliseconds */
        double avgLockWaitMs();

        /** @return longest time to get SQLite's write lock, in milliseconds */
        double maxLockWaitMs();
    }
}
