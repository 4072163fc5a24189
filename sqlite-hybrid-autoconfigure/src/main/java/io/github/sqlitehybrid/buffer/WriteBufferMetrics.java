package io.github.sqlitehybrid.buffer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of the {@link WriteBuffer}, each read from its {@link WriteBufferStats}:
 *
 * <ul>
 *   <li>{@value #PENDING} (gauge): rows waiting to be flushed.
 *   <li>{@value #BUFFERED} (counter): write calls accepted.
 *   <li>{@value #COALESCED} (counter): accepted calls merged into a row already pending.
 *   <li>{@value #FLUSHED} (counter): rows written by flushes.
 *   <li>{@value #FAILED} (counter): flush transactions that failed as a whole; their rows stayed pending.
 *   <li>{@value #DEAD_LETTERS} (counter): rows the database refused, moved to the dead letters.
 *   <li>{@value #FLUSH} (function timer): flushes that had rows to write, and the time they took.
 * </ul>
 *
 * <p>Deprecated since 0.1.0 and still registered until their removal: the same meters under
 * {@code sqlite.hybrid.buffer.*}, names that did not follow the feature's property prefix
 * {@code sqlite.hybrid.write-buffer}; Boot's {@code management.metrics.enable.sqlite.hybrid.buffer=false} turns
 * them off, {@code management.metrics.enable.sqlite.hybrid=false} turns off every meter of the starter.
 *
 * @since 0.1.0
 */
public final class WriteBufferMetrics implements MeterBinder {

    /** Gauge of pending rows. */
    public static final String PENDING = "sqlite.hybrid.write.buffer.pending";

    /** Counter of accepted write calls. */
    public static final String BUFFERED = "sqlite.hybrid.write.buffer.buffered";

    /** Counter of calls merged into a pending row. */
    public static final String COALESCED = "sqlite.hybrid.write.buffer.coalesced";

    /** Counter of rows written. */
    public static final String FLUSHED = "sqlite.hybrid.write.buffer.flushed";

    /** Counter of flush transactions that failed as a whole. */
    public static final String FAILED = "sqlite.hybrid.write.buffer.failed";

    /** Counter of rows refused by the database. */
    public static final String DEAD_LETTERS = "sqlite.hybrid.write.buffer.dead.letters";

    /** Timer of flushes. */
    public static final String FLUSH = "sqlite.hybrid.write.buffer.flush";

    private static final String PREFIX = "sqlite.hybrid.write.buffer.";

    private static final String DEPRECATED_PREFIX = "sqlite.hybrid.buffer.";

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
        bind(registry, PREFIX);
        bind(registry, DEPRECATED_PREFIX);
    }

    private void bind(MeterRegistry registry, String prefix) {
        Gauge.builder(
                        prefix + "pending",
                        this.buffer,
                        (buffer) -> buffer.stats().pending())
                .description("Rows waiting in the write buffer to be flushed")
                .baseUnit("rows")
                .register(registry);
        counter(
                registry,
                prefix + "buffered",
                WriteBufferStats::buffered,
                "Write calls accepted by the write buffer",
                "calls");
        counter(
                registry,
                prefix + "coalesced",
                WriteBufferStats::coalesced,
                "Write calls merged into a row already pending",
                "calls");
        counter(
                registry,
                prefix + "flushed",
                WriteBufferStats::flushed,
                "Rows written to the database by the write buffer",
                "rows");
        counter(
                registry,
                prefix + "failed",
                WriteBufferStats::failed,
                "Write buffer flush transactions that failed as a whole; their rows stayed pending",
                "transactions");
        counter(
                registry,
                prefix + "dead.letters",
                WriteBufferStats::deadLetters,
                "Rows the database refused, moved to the write buffer's dead letters",
                "rows");
        FunctionTimer.builder(
                        prefix + "flush",
                        this.buffer,
                        (buffer) -> buffer.stats().flushes(),
                        (buffer) -> buffer.stats().totalFlushTime().toNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Write buffer flushes that had rows to write, and the time they took")
                .register(registry);
    }

    private void counter(
            MeterRegistry registry,
            String name,
            ToDoubleFunction<WriteBufferStats> figure,
            String description,
            String unit) {
        FunctionCounter.builder(name, this.buffer, (buffer) -> figure.applyAsDouble(buffer.stats()))
                .description(description)
                .baseUnit(unit)
                .register(registry);
    }
}
