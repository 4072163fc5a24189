package io.github.sqlitehybrid.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.data.jdbc.shop.Order;
import io.github.sqlitehybrid.data.jdbc.shop.OrderRepository;
import io.github.sqlitehybrid.data.jdbc.shop.SampleOrders;
import io.github.sqlitehybrid.data.jdbc.shop.ShopConfiguration;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import io.github.sqlitehybrid.writer.WriteTurn;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sixteen threads saving and updating aggregates through one repository at once, each in its own transactions,
 * with Boot's and the starter's defaults: the single writer serializes the write transactions and leaves the
 * finders to the read pool, so none fails and every aggregate is there once, at its last version.
 */
class SqliteDataJdbcConcurrencyTests {

    private static final int THREADS = 16;

    private static final int ORDERS_PER_THREAD = 100;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sixteenThreadsSaveAndUpdateTheirOwnAggregatesWithoutAFailure() {
        DataJdbcContexts.onFile(this.dir.resolve("data.db")).run((context) -> {
            ShopConfiguration.createSchema(context.getBean(JdbcTemplate.class));
            OrderRepository orders = context.getBean(OrderRepository.class);
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            List<Callable<List<Order>>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String customer = "thread-" + t;
                threads.add(() -> saveAndUpdate(orders, transaction, customer));
            }
            WriteTurn turn = context.getBean(DataSource.class)
                    .unwrap(SqliteSingleWriterDataSource.class)
                    .getWriteTurn();
            long turnsBefore = turn.stats().acquisitions();
            Map<Long, Order> expected = new HashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                for (Future<List<Order>> result : pool.invokeAll(threads, 150, TimeUnit.SECONDS)) {
                    result.get().forEach((order) -> expected.put(order.getId(), order));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(expected).hasSize(THREADS * ORDERS_PER_THREAD);
            // One turn per write transaction; the finders take none, in a read-only transaction or in none.
            long writeTransactions = 2L * THREADS * ORDERS_PER_THREAD;
            assertThat(turn.stats().acquisitions() - turnsBefore).isEqualTo(writeTransactions);
            List<Order> stored = orders.findAll();
            assertThat(stored).extracting(Order::getId).doesNotHaveDuplicates();
            assertThat(stored)
                    .usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyInAnyOrderElementsOf(expected.values());
            for (int t = 0; t < THREADS; t++) {
                assertThat(orders.findByCustomerOrderById("thread-" + t)).hasSize(ORDERS_PER_THREAD);
            }
            assertThat(turn.stats().acquisitions() - turnsBefore).isEqualTo(writeTransactions);
            assertThat(turn.stats().timeouts()).isZero();
        });
    }

    // Each order in two transactions: the repository's own insert, then a read and an update in one of ours.
    private static List<Order> saveAndUpdate(OrderRepository orders, TransactionTemplate transaction, String customer) {
        List<Order> updated = new ArrayList<>();
        for (int i = 0; i < ORDERS_PER_THREAD; i++) {
            Order inserted = orders.save(SampleOrders.order(i, ORDERS_PER_THREAD, customer));
            Order last = transaction.execute((status) -> {
                Order read = orders.findById(inserted.getId()).orElseThrow();
                read.setStatus("updated");
                read.setUpdatedAt(read.getUpdatedAt().plus(1, ChronoUnit.DAYS));
                read.addLine("added", 1, 1);
                return orders.save(read);
            });
            assertThat(last.getVersion()).isEqualTo(inserted.getVersion() + 1);
            updated.add(last);
        }
        return updated;
    }
}
