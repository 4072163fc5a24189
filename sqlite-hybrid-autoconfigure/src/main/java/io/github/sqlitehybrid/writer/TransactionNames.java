package io.github.sqlitehybrid.writer;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What the single writer knows of the Spring transaction a connection is beginning. A transaction takes the write
 * turn when its connection begins, inside the transaction manager's {@code doBegin}, before Spring publishes its
 * name and read-only flag; this listener, which Spring Boot registers with the transaction managers it
 * configures, hands both over for that moment. Without it (a transaction manager built by hand) the turn is
 * named at the transaction's first statement instead.
 *
 * @since 0.1.0
 */
public final class TransactionNames implements TransactionExecutionListener {

    private static final ThreadLocal<@Nullable TransactionExecution> beginning = new ThreadLocal<>();

    @Override
    public void beforeBegin(TransactionExecution transaction) {
        beginning.set(transaction);
    }

    @Override
    public void afterBegin(TransactionExecution transaction, @Nullable Throwable beginFailure) {
        beginning.remove();
    }

    /**
     * The transaction whose begin is under way on this thread.
     * @return it, or {@code null} outside a listened transaction manager's begin
     */
    static @Nullable TransactionExecution beginning() {
        return beginning.get();
    }

    /**
     * The name of the transaction this thread is in or beginning.
     * @param fallback what to say when none is known
     * @return the name
     */
    static String current(String fallback) {
        TransactionExecution starting = beginning.get();
        String name = (starting != null)
                ? starting.getTransactionName()
                : TransactionSynchronizationManager.getCurrentTransactionName();
        return (name != null && !name.isEmpty()) ? name : fallback;
    }
}
