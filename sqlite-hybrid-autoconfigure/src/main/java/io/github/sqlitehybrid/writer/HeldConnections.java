package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.Binding.Purpose;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * The physical connections one {@link RoutingConnection} holds at a moment, and when each goes back: the read
 * pool's connection for reads outside transactions (while statements or result sets are on it), and the write
 * lease (for a write transaction, or for an auto-commit write whose result set is still open).
 */
final class HeldConnections {

    private final SingleWriter writer;

    private final DataSource readPool;

    private final RoutingConnection owner;

    /** The read pool's connection for reads outside transactions, while statements or result sets are on it. */
    private @Nullable Binding reads;

    /** While a result set is open on the reads connection: its entry among the open reads. */
    private OpenReads.@Nullable Read openCursors;

    /** Metadata or unwrap were asked for outside a transaction: the reads connection stays until close. */
    private boolean readsPinned;

    /** An auto-commit write whose result set is still open: it keeps the write lease until that closes. */
    private @Nullable Binding openWrite;

    /** The open auto-commit write's part of a group, until it is done or rolled back. */
    private CommitCoalescer.@Nullable CommitUnit openWriteUnit;

    /** The lease the owner holds, for its transaction or its open auto-commit write. */
    private @Nullable WriteLease lease;

    HeldConnections(SingleWriter writer, DataSource readPool, RoutingConnection owner) {
        this.writer = writer;
        this.readPool = readPool;
        this.owner = owner;
    }

    /** Join or take the write lease, giving back first what of the read pool is idle. */
    Binding lease(String work) throws SQLException {
        // Nothing of the read pool is held while waiting for the turn, unless a result set is still open on it.
        if (this.reads != null) {
            this.reads.detachIdle();
            releaseReadsIfIdle();
        }
        WriteLease joined = this.writer.lease(this.owner, work);
        this.lease = joined;
        return new Binding(joined.physical(), Purpose.WRITE);
    }

    /** Name the work done under the lease, once the transaction's name is known. */
    void renameLease(String work) {
        if (this.lease != null) {
            this.lease.rename(work);
        }
    }

    /**
     * The unit's group is committed now when the lease goes on for another logical connection of the thread: the
     * group cannot wait for a next holder, and the connection resuming on the lease must begin after its COMMIT.
     */
    void commitIfLeaseShared() {
        WriteLease held = this.lease;
        if (held != null && held.isShared()) {
            this.writer.commitOpenGroup();
        }
    }

    void leaveLease() {
        WriteLease held = this.lease;
        if (held != null) {
            this.lease = null;
            held.leave(this.owner);
        }
    }

    /**
     * The binding of the auto-commit write in progress, taking the lease for it when there is none, and beginning
     * its part of a group when it can have one.
     * @param sql the statement, {@code null} for a batch
     * @param returnsRows whether it may leave a result set open (a query, {@code RETURNING}): such a statement
     *     runs alone, since its savepoint could not be released before the result set closes
     */
    Binding openWrite(String work, @Nullable String sql, boolean returnsRows) throws SQLException {
        Binding binding = this.openWrite;
        if (binding == null) {
            binding = lease(work);
            this.openWrite = binding;
            try {
                if (returnsRows) {
                    this.writer.commitOpenGroup();
                } else {
                    this.openWriteUnit = this.writer.beginAutoCommit(binding.physical(), sql);
                }
            } catch (SQLException | RuntimeException ex) {
                closeOpenWrite();
                throw ex;
            }
        }
        return binding;
    }

    /** The auto-commit write failed: its part of a group, if any, is rolled back. */
    void openWriteFailed(Throwable failure) {
        Binding binding = this.openWrite;
        CommitCoalescer.CommitUnit unit = this.openWriteUnit;
        if (binding != null && unit != null) {
            this.openWriteUnit = null;
            if (failure instanceof SQLException ex) {
                this.writer.coalescer().checkOpen(binding.physical(), ex);
            }
            this.writer.coalescer().rollBack(binding.physical(), unit);
        }
        if (binding != null && !binding.hasOpenCursors()) {
            closeOpenWrite();
        }
    }

    /**
     * The auto-commit write ran: give the lease back and return once it is committed, alone or in its group.
     * @throws SQLException when the COMMIT that included it failed
     */
    void finishOpenWrite() throws SQLException {
        Binding binding = this.openWrite;
        CommitCoalescer.CommitUnit unit = this.openWriteUnit;
        CommitGroup group = null;
        if (binding != null && unit != null) {
            this.openWriteUnit = null;
            try {
                group = this.writer.coalescer().done(binding.physical(), unit);
            } catch (SQLException ex) {
                this.writer.coalescer().rollBack(binding.physical(), unit);
                closeOpenWrite();
                throw ex;
            }
        }
        long since = System.nanoTime();
        if (group != null) {
            commitIfLeaseShared();
        }
        closeOpenWrite();
        if (group != null) {
            this.writer.awaitCommit(group, since);
        }
    }

    boolean hasOpenWrite() {
        return this.openWrite != null;
    }

    void closeOpenWrite() {
        Binding binding = this.openWrite;
        if (binding != null) {
            this.openWrite = null;
            CommitCoalescer.CommitUnit unit = this.openWriteUnit;
            if (unit != null) {
                // Not finished (the connection closes mid-statement): nothing of it may be committed.
                this.openWriteUnit = null;
                this.writer.coalescer().rollBack(binding.physical(), unit);
            }
            binding.detachAll();
            leaveLease();
        }
    }

    /** The read pool's connection for reads outside transactions, borrowed when first needed. */
    Binding reads() throws SQLException {
        if (this.reads == null) {
            this.reads = new Binding(this.readPool.getConnection(), Purpose.READS);
        }
        return this.reads;
    }

    /** The reads connection, kept until close: metadata and unwrapped connections outlive any statement. */
    Binding pinnedReads() throws SQLException {
        this.readsPinned = true;
        return reads();
    }

    /** A connection of the read pool in a {@code BEGIN} transaction, for a read-only transaction. */
    Binding readOnlyTransaction() throws SQLException {
        Connection physical = this.readPool.getConnection();
        try {
            PhysicalSql.run(physical, "BEGIN");
        } catch (SQLException | RuntimeException ex) {
            JdbcUtils.closeConnection(physical);
            throw ex;
        }
        return new Binding(physical, Purpose.READ_ONLY_TRANSACTION);
    }

    /**
     * A read outside a transaction ran: while it leaves a result set open, SQLite keeps its snapshot, so it is
     * among the open reads from then until the last result set on the reads connection closes.
     */
    void readRan(@Nullable String sql) {
        Binding binding = this.reads;
        if (binding != null && binding.hasOpenCursors() && this.openCursors == null) {
            this.openCursors = this.writer.readBegan("a read outside a transaction, its result set open: ", sql);
        }
    }

    /** A result set closed: an auto-commit write or the reads connection may have nothing left open. */
    void cursorClosed(Binding binding) {
        if (binding == this.openWrite && !binding.hasOpenCursors()) {
            closeOpenWrite();
        } else if (binding == this.reads) {
            if (!binding.hasOpenCursors()) {
                endOpenCursors();
            }
            releaseReadsIfIdle();
        }
    }

    void releaseReadsIfIdle() {
        Binding binding = this.reads;
        if (binding != null && !this.readsPinned && binding.isIdle()) {
            this.reads = null;
            endOpenCursors();
            JdbcUtils.closeConnection(binding.physical());
        }
    }

    private void endOpenCursors() {
        OpenReads.Read read = this.openCursors;
        if (read != null) {
            this.openCursors = null;
            this.writer.readEnded(read);
        }
    }

    /** Give back the open auto-commit write and the reads connection, as the logical connection closes. */
    void closeAll() {
        closeOpenWrite();
        Binding binding = this.reads;
        if (binding != null) {
            this.reads = null;
            binding.detachAll();
            endOpenCursors();
            JdbcUtils.closeConnection(binding.physical());
        }
    }

    boolean isValid() throws SQLException {
        try (Connection physical = this.readPool.getConnection()) {
            return physical.isValid(0);
        }
    }
}
