package io.github.sqlitehybrid.writer;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The transaction a {@link RoutingConnection} has in progress, on the one physical connection it was routed to:
 * a read-only transaction on the read pool, or a write transaction on the write lease.
 */
final class RoutedTransaction {

    private final Binding binding;

    private final boolean write;

    /** Begun by a {@code BEGIN} (or an outermost {@code SAVEPOINT}) run as SQL, not by {@code setAutoCommit}. */
    private boolean bySql;

    /** The savepoint whose {@code SAVEPOINT} statement began the transaction, whose {@code RELEASE} ends it. */
    private final @Nullable String openingSavepoint;

    private String name;

    /** A read-only one's entry among the open reads, from when it began to its end. */
    private OpenReads.@Nullable Read read;

    private boolean named;

    /** Whether any statement other than a read ran: such a transaction cannot be paused for a nested write. */
    private boolean wrote;

    /** JDBC savepoints in force, oldest first. */
    private final List<String> savepoints = new ArrayList<>();

    /**
     * Whether SQLite's transaction has begun. A write transaction takes the write turn when it begins, but SQLite's
     * lock only at its first statement ({@code BEGIN IMMEDIATE}), so that another process's lock meets a statement
     * and is reported as a statement's lock error is. A read-only one begins at once.
     */
    private boolean begun;

    /** A write transaction's part of the writer's SQLite transaction, once begun by the single writer. */
    private CommitCoalescer.@Nullable CommitUnit unit;

    /** Paused for a nested write on the same thread; SQLite's data version when it was paused. */
    private boolean paused;

    private long dataVersion;

    /** Why the transaction can no longer be used (SQLite ended it, or another process wrote while it paused). */
    private @Nullable SQLException failure;

    RoutedTransaction(
            Binding binding,
            boolean write,
            boolean bySql,
            @Nullable String openingSavepoint,
            String name,
            boolean begun) {
        this.binding = binding;
        this.write = write;
        this.bySql = bySql;
        this.openingSavepoint = openingSavepoint;
        this.name = name;
        this.begun = begun;
    }

    void reading(OpenReads.Read read) {
        this.read = read;
    }

    OpenReads.@Nullable Read read() {
        return this.read;
    }

    boolean isBegun() {
        return this.begun;
    }

    void begun(CommitCoalescer.CommitUnit unit) {
        this.begun = true;
        this.unit = unit;
    }

    CommitCoalescer.@Nullable CommitUnit unit() {
        return this.unit;
    }

    /** Whether it runs in a savepoint of a group that other transactions share. */
    boolean isInGroup() {
        return this.unit != null && this.unit.savepoint() != null;
    }

    Binding binding() {
        return this.binding;
    }

    boolean isWrite() {
        return this.write;
    }

    boolean isBySql() {
        return this.bySql;
    }

    /** A transaction begun by SQL becomes the JDBC transaction when auto-commit is switched off meanwhile. */
    void adoptedByJdbc() {
        this.bySql = false;
    }

    @Nullable
    String openingSavepoint() {
        return this.openingSavepoint;
    }

    String name() {
        return this.name;
    }

    /** The name Spring published once the transaction began, for the first statement to give the write turn. */
    @Nullable
    String nameOnce(@Nullable String published) {
        if (this.named) {
            return null;
        }
        this.named = true;
        if (published == null || published.equals(this.name)) {
            return null;
        }
        this.name = published;
        if (this.read != null) {
            this.read.rename(published);
        }
        return published;
    }

    void ran(SqlStatementKind kind) {
        if (kind != SqlStatementKind.READ) {
            this.wrote = true;
        }
    }

    boolean canPause() {
        return this.write
                && !this.wrote
                && !this.paused
                && this.failure == null
                && this.savepoints.isEmpty()
                && !this.binding.hasOpenCursors();
    }

    /** Paused; {@code begun} tells whether its SQLite transaction was committed for it, to begin again later. */
    void paused(long dataVersion, boolean begun) {
        this.paused = true;
        this.dataVersion = dataVersion;
        this.begun = begun;
    }

    boolean isPaused() {
        return this.paused;
    }

    long dataVersion() {
        return this.dataVersion;
    }

    void resumed() {
        this.paused = false;
    }

    void failed(SQLException failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
    }

    @Nullable
    SQLException failure() {
        return this.failure;
    }

    List<String> savepoints() {
        return this.savepoints;
    }

    /** Throw if no statement may run in the transaction now. */
    void checkUsable() throws SQLException {
        if (this.paused) {
            throw new SQLException(
                    this.name + " is paused while a nested write transaction of its own thread runs on"
                            + " the same SQLite write lock; it can be used again once that one ends",
                    "25000");
        }
        if (this.failure != null) {
            throw this.failure;
        }
    }
}
