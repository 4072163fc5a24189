package io.github.sqlitehybrid.writer;

import java.sql.SQLFeatureNotSupportedException;

/**
 * A thread asked to write on a second connection while its own write transaction, which has already written,
 * holds the write turn: a {@code REQUIRES_NEW} transaction that writes, say, inside a {@code @Transactional}
 * method that wrote first. SQLite has one write lock, and the outer transaction holds it until it ends, so the
 * inner write could only wait for a transaction that waits for it.
 *
 * <p>Raised at once, before anything is written. It is not a lock error: running the same code again meets the
 * same conflict, so {@code @DbRetry} does not retry it. Spring translates it into an
 * {@code InvalidDataAccessApiUsageException} (its SQLState is {@code 0A000}, feature not supported).
 *
 * @since 0.1.0
 */
public final class NestedWriteTransactionException extends SQLFeatureNotSupportedException {

    NestedWriteTransactionException(String outer, String inner, String thread) {
        super(message(outer, inner, thread), "0A000");
    }

    private static String message(String outer, String inner, String thread) {
        return inner + " tried to write on a connection of its own while " + outer + ", on the same thread '"
                + thread + "', holds SQLite's only write lock and has already written: the inner write would wait"
                + " for a transaction that waits for it. Run the inner write inside the outer transaction"
                + " (propagation REQUIRED), write it after the outer one commits (a TransactionSynchronization's"
                + " afterCommit, or TransactionSynchronizationManager.registerSynchronization), or hand it to the"
                + " write buffer (WriteBuffer) or group commit (GroupCommitWriter.submit). A write transaction"
                + " that has only read when the inner one begins is not refused: it is paused while the inner one"
                + " writes.";
    }
}
