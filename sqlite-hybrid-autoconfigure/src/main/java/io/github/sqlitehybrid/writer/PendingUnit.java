package io.github.sqlitehybrid.writer;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A unit accepted by the {@link GroupCommitWriter}, and the future its caller waits on. It keeps what the unit
 * returned or threw until its group's transaction has ended, when {@link #complete()} hands that to the caller.
 *
 * @param <T> the unit's result type
 */
final class PendingUnit<T extends @Nullable Object> {

    private final WriteUnit<T> unit;

    private final long enqueuedNanos;

    private final CompletableFuture<T> future = new CompletableFuture<>();

    private @Nullable T result;

    private @Nullable Throwable failure;

    PendingUnit(WriteUnit<T> unit, long enqueuedNanos) {
        this.unit = unit;
        this.enqueuedNanos = enqueuedNanos;
    }

    /** The future handed to the caller. */
    CompletableFuture<T> future() {
        return this.future;
    }

    /** When the unit was queued, from {@link System#nanoTime()}. */
    long enqueuedNanos() {
        return this.enqueuedNanos;
    }

    /** Whether the caller has its answer already: a unit cancelled before it started is not run. */
    boolean isDone() {
        return this.future.isDone();
    }

    /**
     * Run the unit, keeping what it returned or whatever it threw.
     * @param jdbc the template bound to the writer's connection
     */
    void run(JdbcTemplate jdbc) {
        try {
            this.result = this.unit.run(jdbc);
        } catch (Throwable ex) {
            this.failure = ex;
        }
    }

    /** What the unit threw, or the failure it was given; {@code null} while it has succeeded. */
    @Nullable
    Throwable failure() {
        return this.failure;
    }

    /**
     * Fail the unit with its transaction's failure, unless it threw an exception of its own, which it keeps.
     * @param transactionFailure why the transaction ended without committing the unit
     */
    void fail(Throwable transactionFailure) {
        if (this.failure == null) {
            this.failure = transactionFailure;
        }
    }

    /** Hand the caller what the unit returned or its failure. */
    void complete() {
        if (this.failure != null) {
            this.future.completeExceptionally(this.failure);
        } else {
            this.future.complete(this.result);
        }
    }
}
