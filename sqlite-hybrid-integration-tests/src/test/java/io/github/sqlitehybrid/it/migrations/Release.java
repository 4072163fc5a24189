package io.github.sqlitehybrid.it.migrations;

import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.TestApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One start of a migrating application on a file, as a release of it would run: its migrations at startup, then
 * its writes from many threads, each a purchase that inserts a row and adds its amount to the customer's total.
 * @param startMillis how long the application took to start, migrations included
 * @param history the migration tool's history table, one entry a migration in the order they ran
 * @param schema the application's tables, foreign keys and indexes, as SQLite reports them
 * @param purchases the writes after the start
 * @param totalsAgree whether the customers' totals add up to the purchases' amounts afterwards
 */
public record Release(
        long startMillis, List<String> history, List<String> schema, Outcome purchases, boolean totalsAgree) {

    private static final int CUSTOMERS = 8;

    private static final int THREADS = 8;

    private static final int PURCHASES_PER_THREAD = 50;

    /**
     * Start the application, read what its migrations left, run the writes, stop it.
     * @param application the application, configured with its migrations
     * @param file the SQLite file
     * @param starter whether the starter is on
     * @param withNote whether the purchases fill in the column the second release adds
     * @param history reads the migration tool's history table
     * @return what the release found and did
     */
    public static Release start(
            TestApplication application,
            Path file,
            boolean starter,
            boolean withNote,
            Function<JdbcTemplate, List<String>> history)
            throws InterruptedException {
        long started = System.nanoTime();
        try (ConfigurableApplicationContext context = application.start(file, starter)) {
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            List<String> migrations = history.apply(jdbc);
            List<String> schema = schema(jdbc);
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            String insert = withNote
                    ? "INSERT INTO purchase (customer_id, amount, note) VALUES (?, ?, 'after the second release')"
                    : "INSERT INTO purchase (customer_id, amount) VALUES (?, ?)";
            Outcome purchases = Load.run(THREADS, PURCHASES_PER_THREAD, 60, (thread, i) -> {
                int customer = 1 + (thread + i) % CUSTOMERS;
                int amount = 1 + i % 10;
                transaction.executeWithoutResult((status) -> {
                    jdbc.update(insert, customer, amount);
                    jdbc.update("UPDATE customer SET total = total + ? WHERE id = ?", amount, customer);
                });
            });
            boolean totalsAgree = jdbc.queryForObject(
                    "SELECT (SELECT sum(total) FROM customer) = (SELECT coalesce(sum(amount), 0) FROM purchase)"
                            + " AND (SELECT count(*) FROM customer) = " + CUSTOMERS,
                    Boolean.class);
            return new Release(startMillis, migrations, schema, purchases, totalsAgree);
        }
    }

    // Tables with their columns, then foreign keys, then indexes other than those SQLite makes for constraints.
    private static List<String> schema(JdbcTemplate jdbc) {
        List<String> schema = new ArrayList<>();
        for (String table : List.of("customer", "purchase")) {
            List<String> columns =
                    jdbc.queryForList("SELECT name FROM pragma_table_info(?) ORDER BY cid", String.class, table);
            schema.add(table + "(" + String.join(", ", columns) + ")");
        }
        schema.addAll(jdbc.queryForList(
                "SELECT 'purchase.' || \"from\" || ' -> ' || \"table\" || '.' || \"to\""
                        + " FROM pragma_foreign_key_list('purchase')",
                String.class));
        schema.addAll(jdbc.queryForList(
                "SELECT 'index ' || name || ' ON ' || tbl_name FROM sqlite_master WHERE type = 'index'"
                        + " AND tbl_name IN ('customer', 'purchase') AND name NOT LIKE 'sqlite_autoindex%'"
                        + " ORDER BY name",
                String.class));
        return schema;
    }

    @Override
    public String toString() {
        return "started in " + this.startMillis + " ms, history " + this.history + ", then purchases " + this.purchases
                + ", totals " + (this.totalsAgree ? "agree" : "WRONG");
    }
}
