package io.github.sqlitehybrid.buffer;

import io.github.sqlitehybrid.buffer.PendingWrites.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the {@link WriteBuffer}, read from its figures:
 *
 * <ul>
 *   <li>{@value #PENDING} (gauge): rows waiting to be flushed.
 *   <li>{@value #BUFFERED} (counter): write calls accepted.
 *   <li>{@value #COALESCED} (counter): accepted calls merged into a row already pending.
 *   <li>{@value #FLUSHED} (counter): rows written by flushes.
 *   <li>{@value #FAILED} (counter): flush transactions that failed as a whole; their rows stayed pending.
 *   <li>{@value #DEAD_LETTERS} (counter): rows the database refused, moved to the dead letters.
 *   <li>{@value #FLUSH} (timer): flushes that had rows to write, and the time they took.
 * </ul>
 *
 * <p>Boot's {@code management.metrics.enable.sqlite.hybrid=false} turns them off.
 */
public final class WriteBufferMetrics implements MeterBinder {

    /** Gauge of pending rows. */
    public static final String PENDING = "sqlite.hybrid.buffer.pending";

    /** Counter of accepted write calls. */
    public static final String BUFFERED = "sqlite.hybrid.buffer.buffered";

    /** Counter of calls merged into a pending row. */
    public static final String COALESCED = "sqlite.hybrid.buffer.coalesced";

    /** Counter of rows written. */
    public static final String FLUSHED = "sqlite.hybrid.buffer.flushed";

    /** Counter of flush transactions that failed as a whole. */
    public static final String FAILED = "sqlite.hybrid.buffer.failed";

    /** Counter of rows refused by the database. */
    public static final String DEAD_LETTERS = "sqlite.hybrid.buffer.dead.letters";

    /** Timer of flushes. */
    public static final String FLUSH = "sqlite.hybrid.buffer.flush";

    private final WriteBuffer buffer;

    /**
     * Create the meters' binder.
     * @param buffer the buffer whose figures the meters read
     */
    public WriteBufferMetrics(WriteBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(PENDING, this.buffer, WriteBuffer::pendingCount)
                .description("Rows waiting in the write buffer to be flushed")
                .baseUnit("rows")
                .register(registry);
        counter(registry, BUFFERED, Counter.BUFFERED, "Write calls accepted by the write buffer", "calls");
        counter(registry, COALESCED, Counter.COALESCED, "Write calls merged into a row already pending", "calls");
        counter(registry, FLUSHED, Counter.FLUSHED, "Rows written to the database by the write buffer", "rows");
        counter(
                registry,
                FAILED,
                Counter.FAILED,
                "Write buffer flush transactions that failed as a whole; their rows stayed pending",
                "transactions");
        counter(
                registry,
                DEAD_LETTERS,
                Counter.DEAD_LETTERS,
                "Rows the database refused, moved to the write buffer's dead letters",
                "rows");
        FunctionTimer.builder(
                        FLUSH,
                        this.buffer,
                        (buffer) -> buffer.counter(Counter.FLUSHES),
                        (buffer) -> buffer.counter(Counter.FLUSH_NANOS),
                        TimeUnit.NANOSECONDS)
                .description("Write buffer flushes that had rows to write, and the time they took")
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, Counter counter, String description, String unit) {
        FunctionCounter.builder(name, this.buffer, (buffer) -> buffer.counter(counter))
                .description(description)
                .baseUnit(unit)
                .register(registry);
    }
}
