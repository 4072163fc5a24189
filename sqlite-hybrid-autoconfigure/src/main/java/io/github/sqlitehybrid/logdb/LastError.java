package io.github.sqlitehybrid.logdb;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The log database's last write or clean-up error, kept for its stats and reported on standard error once per
 * run of errors: not through SLF4J, because the line would come back to the database that may be failing.
 */
final class LastError {

    private final @Nullable Path file;

    private volatile @Nullable String message;

    /** Whether the current run of errors has been reported on standard error already. */
    private volatile boolean reported;

    LastError(@Nullable Path file) {
        this.file = file;
    }

    void record(String what, @Nullable Throwable ex) {
        String message = (ex != null) ? what + ": " + ex : what;
        this.message = message;
        if (!this.reported) {
            this.reported = true;
            System.err.println("sqlite-hybrid log database " + this.file + ": " + message);
        }
    }

    /** A batch was written: the next error starts a new run and is reported again. */
    void recovered() {
        this.reported = false;
    }

    @Nullable
    String message() {
        return this.message;
    }
}
