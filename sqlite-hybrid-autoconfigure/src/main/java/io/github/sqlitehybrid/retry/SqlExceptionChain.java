package io.github.sqlitehybrid.retry;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Searches a failure for a driver's error: every cause, and each {@link SQLException}'s chain of next exceptions
 * (where batch failures put the real error), each exception once, so a cycle cannot loop. The error is found raw,
 * inside Spring's translated {@code DataAccessException}s or wrapped by the application.
 */
final class SqlExceptionChain {

    private SqlExceptionChain() {}

    /**
     * The first code the given function finds.
     * @param failure the failure to search
     * @param code the code of one {@link SQLException}, or {@code null} when it has none of interest
     * @return the code, or {@code null} when no exception in the chain has one
     */
    static @Nullable String firstCode(Throwable failure, Function<SQLException, @Nullable String> code) {
        return search(failure, code, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static @Nullable String search(
            @Nullable Throwable failure, Function<SQLException, @Nullable String> code, Set<Throwable> seen) {
        for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
            if (current instanceof SQLException sql) {
                String found = code.apply(sql);
                if (found == null && sql.getNextException() != null) {
                    found = search(sql.getNextException(), code, seen);
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
