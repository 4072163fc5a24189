package io.github.sqlitehybrid.writer;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One physical connection serving a logical connection for a while: for one transaction, for one auto-commit
 * write, or for reads outside transactions. It knows the logical statements attached to it and the result sets
 * open on it, so that when it ends none of them is left on a connection that has gone back to its pool.
 */
final class Binding {

    /** What the binding serves. */
    enum Purpose {
        /** Reads outside transactions, on a connection of the read pool. */
        READS,
        /** A read-only transaction, on a connection of the read pool. */
        READ_ONLY_TRANSACTION,
        /** A write transaction, or one auto-commit write, on the write lease's connection. */
        WRITE
    }

    private final Connection physical;

    private final Purpose purpose;

    private final Set<RoutedStatement> statements = new LinkedHashSet<>();

    private final Set<RoutedResultSet> cursors = new LinkedHashSet<>();

    Binding(Connection physical, Purpose purpose) {
        this.physical = physical;
        this.purpose = purpose;
    }

    Connection physical() {
        return this.physical;
    }

    Purpose purpose() {
        return this.purpose;
    }

    void attached(RoutedStatement statement) {
        this.statements.add(statement);
    }

    void detached(RoutedStatement statement) {
        this.statements.remove(statement);
    }

    void opened(RoutedResultSet cursor) {
        this.cursors.add(cursor);
    }

    void closed(RoutedResultSet cursor) {
        this.cursors.remove(cursor);
    }

    boolean hasOpenCursors() {
        return !this.cursors.isEmpty();
    }

    boolean isIdle() {
        return this.statements.isEmpty() && this.cursors.isEmpty();
    }

    /** Close every result set and physical statement on the connection, as its transaction ends. */
    void detachAll() {
        for (RoutedResultSet cursor : new ArrayList<>(this.cursors)) {
            cursor.closeQuietly();
        }
        List<RoutedStatement> attached = new ArrayList<>(this.statements);
        for (RoutedStatement statement : attached) {
            statement.detach();
        }
    }

    /** Detach the statements that have no open result set, as a thread is about to wait for the write turn. */
    void detachIdle() {
        for (RoutedStatement statement : new ArrayList<>(this.statements)) {
            if (!statement.hasOpenResults()) {
                statement.detach();
            }
        }
    }
}
