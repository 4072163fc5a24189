package io.github.sqlitehybrid.buffer;

/**
 * A flush could not write a batch: lock errors outlasted the retries, or the database failed (disk full, I/O
 * error, closed pool). The batch's rows stay pending and are written by a later flush; nothing is dropped.
 *
 * @since 0.1.0
 */
public final class WriteBufferFlushException extends RuntimeException {

    private final int rowsWritten;

    private final int rowsPending;

    /**
     * Create a new exception.
     * @param rowsWritten rows this flush wrote before the failing batch
     * @param rowsPending rows still pending after the failure
     * @param cause the failure of the batch
     */
    public WriteBufferFlushException(int rowsWritten, int rowsPending, Throwable cause) {
        super(
                "Write buffer flush failed after writing " + rowsWritten + " rows; " + rowsPending
                        + " rows stay pending for the next flush: " + cause.getMessage(),
                cause);
        this.rowsWritten = rowsWritten;
        this.rowsPending = rowsPending;
    }

    /**
     * Rows the flush wrote, in batches that committed before the failing one.
     * @return the number of rows written
     */
    public int getRowsWritten() {
        return this.rowsWritten;
    }

    /**
     * Rows still pending after the failure, the failing batch's included.
     * @return the number of pending rows
     */
    public int getRowsPending() {
        return this.rowsPending;
    }
}
