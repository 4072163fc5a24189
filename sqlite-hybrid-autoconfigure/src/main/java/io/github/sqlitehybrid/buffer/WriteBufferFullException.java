package io.github.sqlitehybrid.buffer;

import java.time.Duration;

/**
 * The {@link WriteBuffer} holds {@code max-pending} rows and the call could not wait for space (or waited
 * {@code offer-timeout} in vain). The call's row was not accepted; every row accepted before it is still pending.
 *
 * @since 0.1.0
 */
public final class WriteBufferFullException extends RuntimeException {

    private final String table;

    private final int maxPending;

    /**
     * Create a new exception.
     * @param table the table the refused call wrote to
     * @param maxPending the buffer's capacity in rows
     * @param waited how long the call waited for space ({@code offer-timeout}), zero when it did not wait
     */
    public WriteBufferFullException(String table, int maxPending, Duration waited) {
        super("Write buffer is full (" + maxPending + " rows pending, sqlite.hybrid.write-buffer.max-pending): the "
                + "write to table '" + table + "' was not accepted"
                + (waited.isZero()
                        ? ""
                        : " after waiting " + waited.toMillis() + "ms (sqlite.hybrid.write-buffer.offer-timeout)")
                + ". Flushes are not keeping up: raise max-pending, lower flush-interval, or check the dead letters"
                + " and the lock errors in /actuator/dblocks.");
        this.table = table;
        this.maxPending = maxPending;
    }

    /**
     * The table the refused call wrote to.
     * @return the table name as the caller gave it
     */
    public String getTable() {
        return this.table;
    }

    /**
     * The buffer's capacity in rows.
     * @return {@code max-pending}
     */
    public int getMaxPending() {
        return this.maxPending;
    }
}
