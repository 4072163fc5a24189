package io.github.sqlitehybrid.it.batch;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The jobs' input table, filled once, and their output table, emptied before each run. The output's UNIQUE item id
 * makes a second write of the same item fail its chunk instead of passing unseen.
 */
@Component
class ItemTables {

    private final JdbcTemplate jdbc;

    private final TransactionTemplate transactions;

    ItemTables(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Create both tables and fill the input with items 1 to {@code items}. */
    void create(int items) {
        List<Object[]> rows = IntStream.rangeClosed(1, items)
                .mapToObj((id) -> new Object[] {id, "item " + id})
                .toList();
        this.transactions.executeWithoutResult((status) -> {
            this.jdbc.execute("CREATE TABLE item_in (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            this.jdbc.execute("CREATE TABLE item_out (item_id INTEGER NOT NULL UNIQUE, name TEXT NOT NULL,"
                    + " processed_by TEXT NOT NULL)");
            this.jdbc.batchUpdate("INSERT INTO item_in (id, name) VALUES (?, ?)", rows);
        });
    }

    void clearOutput() {
        this.jdbc.update("DELETE FROM item_out");
    }

    Output output() {
        return this.jdbc.queryForObject(
                "SELECT COUNT(*), COUNT(DISTINCT item_id), COUNT(DISTINCT processed_by),"
                        + " (SELECT COUNT(*) FROM item_in WHERE id NOT IN (SELECT item_id FROM item_out))"
                        + " FROM item_out",
                (rs, row) -> new Output(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
    }

    /**
     * The output once nothing writes any more, or {@code null} if that takes more than ten seconds. On plain Boot a
     * failed job can leave step threads writing, or a connection holding its lock; with its rollback journal a
     * reader then meets SQLITE_BUSY.
     */
    @Nullable
    Output outputWhenQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return output();
            } catch (DataAccessException ex) {
                if (System.nanoTime() - deadline > 0) {
                    return null;
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * What the output table holds.
     * @param rows rows written
     * @param distinctIds different item ids among them
     * @param threads different threads that processed them
     * @param missing input items with no output row
     */
    record Output(long rows, long distinctIds, long threads, long missing) {}
}
