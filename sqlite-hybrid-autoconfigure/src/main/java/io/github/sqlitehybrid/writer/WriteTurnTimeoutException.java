package io.github.sqlitehybrid.writer;

import io.github.sqlitehybrid.writer.WriteTurn.Holder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The write turn could not be had: the wait ran out, or the thread asked for it while already holding it
 * on another connection. A lock error ({@code SQLITE_BUSY}), so {@code @DbRetry} retries it; its message
 * names who holds the turn and for how long.
 *
 * @since 0.1.0
 */
public final class WriteTurnTimeoutException extends SQLiteException {

    private final transient @Nullable Holder holder;

    WriteTurnTimeoutException(
            String database, String work, Duration timeout, @Nullable Holder holder, boolean heldByCaller) {
        super(message(database, work, timeout, holder, heldByCaller), SQLiteErrorCode.SQLITE_BUSY);
        this.holder = holder;
    }

    private static String message(
            String database, String work, Duration timeout, @Nullable Holder holder, boolean heldByCaller) {
        if (heldByCaller) {
            return "[SQLITE_BUSY] " + work + " asked for the write turn of " + database + " on a second connection"
                    + " while its own thread holds it (" + (holder != null ? holder.describe() : "") + "): a write"
                    + " on another connection inside a write transaction would wait for itself. Write through the"
                    + " transaction's own connection, or finish that transaction first.";
        }
        return "[SQLITE_BUSY] " + work + " waited " + timeout.toMillis() + " ms for the write turn of " + database
                + " (sqlite.hybrid.writer.acquire-timeout); it is held by "
                + (holder != null ? holder.describe() : "nobody now (it was just released)");
    }

    /**
     * Who held the turn when the wait ended.
     * @return the holder, or {@code null} if the turn had just been released
     */
    public @Nullable Holder getHolder() {
        return this.holder;
    }
}
