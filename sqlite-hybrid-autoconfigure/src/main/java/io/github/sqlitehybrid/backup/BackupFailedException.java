package io.github.sqlitehybrid.backup;

/**
 * A backup could not be taken or verified. The database and the backups taken before are untouched; no file of
 * this attempt is left that looks complete.
 *
 * @since 0.1.0
 */
public class BackupFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Create the exception.
     * @param message what failed, naming the file or directory
     * @param cause why
     */
    public BackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
