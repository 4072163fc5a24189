package io.github.sqlitehybrid.writer;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A small, independent piece of write work for the {@link GroupCommitWriter}: a few statements that belong
 * together, such as inserting one row or claiming one job.
 *
 * <p>The unit runs on the writer's thread, inside the writer's transaction and its own savepoint, with a
 * {@link JdbcTemplate} bound to the writer's connection. It must use only that template (work on another
 * connection would wait for the writer's own write lock), must not commit, roll back or change the
 * connection's auto-commit mode, and should be quick: every other unit of its group waits for it. It may
 * read what earlier units of the same group wrote.
 *
 * <pre>{@code
 * int rows = writer.execute((jdbc) -> jdbc.update("INSERT INTO events (type, body) VALUES (?, ?)", type, body));
 * }</pre>
 *
 * <p>For the JDBC {@code Connection} itself, use {@code jdbc.execute((ConnectionCallback<T>) (connection) -> ...)}.
 * @param <T> the result type
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WriteUnit<T extends @Nullable Object> {

    /**
     * Do the work. Throwing undoes this unit's statements and no others; the caller gets the exception.
     * @param jdbc a template bound to the writer's connection; statements with the same SQL text reuse one
     *     prepared statement
     * @return the result handed to the caller once the group has committed
     */
    T run(JdbcTemplate jdbc);
}
