package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The write turn and the write pool's connection, held by one thread for the logical connections that write on it.
 *
 * <p>Usually one logical connection owns it, for one transaction or one auto-commit statement. When that thread
 * begins a second write on another logical connection (a {@code REQUIRES_NEW} transaction inside a write
 * transaction), the lease is lent rather than waited for, which could never succeed: if the current owner has not
 * written, it is paused ({@link RoutingConnection#pauseForNestedWrite()}), the new owner writes on the same
 * connection, and the paused one resumes when it leaves. If the current owner has written, the new owner is
 * refused with a {@link NestedWriteTransactionException}.
 */
final class WriteLease {

    private final SingleWriter writer;

    private final Connection physical;

    private final Thread thread;

    private final Deque<RoutingConnection> owners = new ArrayDeque<>(2);

    private WriteTurn.Holder holder;

    WriteLease(SingleWriter writer, WriteTurn.Holder holder, Connection physical, RoutingConnection owner) {
        this.writer = writer;
        this.holder = holder;
        this.physical = physical;
        this.thread = holder.thread();
        this.owners.push(owner);
    }

    Connection physical() {
        return this.physical;
    }

    Thread thread() {
        return this.thread;
    }

    WriteTurn.Holder holder() {
        return this.holder;
    }

    /** Whether another logical connection of the thread shares it (a nested write, a paused transaction). */
    boolean isShared() {
        return this.owners.size() > 1;
    }

    boolean isActive(RoutingConnection owner) {
        return this.owners.peek() == owner;
    }

    /** Name the work of the turn's holder, once the transaction's name is known. */
    void rename(String work) {
        if (!work.equals(this.holder.work())) {
            this.holder = this.writer.turn().rename(this.holder, work);
        }
    }

    void join(RoutingConnection owner, String work) throws NestedWriteTransactionException {
        RoutingConnection current = this.owners.peek();
        if (current != null && !current.pauseForNestedWrite()) {
            throw new NestedWriteTransactionException(this.holder.work(), work, this.thread.getName());
        }
        this.owners.push(owner);
    }

    /** The owner is done with the lease; the one it paused resumes, or the lease ends. */
    void leave(RoutingConnection owner) {
        boolean wasActive = this.owners.peek() == owner;
        this.owners.remove(owner);
        RoutingConnection next = this.owners.peek();
        if (next == null) {
            this.writer.ended(this);
        } else if (wasActive) {
            next.resumeAfterNestedWrite();
        }
    }
}
