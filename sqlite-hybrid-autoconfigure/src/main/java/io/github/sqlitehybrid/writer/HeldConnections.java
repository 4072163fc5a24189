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

    /** Metadata or unwrap were asked for outside a transaction: the reads connection stays until close. */
    private boolean readsPinned;

    /** An auto-commit write whose result set is still open: it keeps the write lease until that closes. */
    private @Nullable Binding openWrite;

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

    void leaveLease() {
        WriteLease held = this.lease;
        if (held != null) {
            this.lease = null;
            held.leave(this.owner);
        }
    }

    /** The binding of the auto-commit write in progress, taking the lease for it when there is none. */
    Binding openWrite(String work) throws SQLException {
        if (this.openWrite == null) {
            this.openWrite = lease(work);
        }
        return this.openWrite;
    }

    boolean hasOpenWrite() {
        return this.openWrite != null;
    }

    void closeOpenWrite() {
        Binding binding = this.openWrite;
        if (binding != null) {
            this.openWrite = null;
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

    /** A result set closed: an auto-commit write or the reads connection may have nothing left open. */
    void cursorClosed(Binding binding) {
        if (binding == this.openWrite && !binding.hasOpenCursors()) {
            closeOpenWrite();
        } else if (binding == this.reads) {
            releaseReadsIfIdle();
        }
    }

    void releaseReadsIfIdle() {
        Binding binding = this.reads;
        if (binding != null && !this.readsPinned && binding.isIdle()) {
            this.reads = null;
            JdbcUtils.closeConnection(binding.physical());
        }
    }

    /** Give back the open auto-commit write and the reads connection, as the logical connection closes. */
    void closeAll() {
        closeOpenWrite();
        Binding binding = this.reads;
        if (binding != null) {
            this.reads = null;
            binding.detachAll();
            JdbcUtils.closeConnection(binding.physical());
        }
    }

    boolean isValid() throws SQLException {
        try (Connection physical = this.readPool.getConnection()) {
            return physical.isValid(0);
        }
    }
}
