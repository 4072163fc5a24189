package io.github.sqlitehybrid.data.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.github.sqlitehybrid.data.jdbc.shop.Order;
import io.github.sqlitehybrid.data.jdbc.shop.OrderRepository;
import io.github.sqlitehybrid.data.jdbc.shop.SampleOrders;
import io.github.sqlitehybrid.data.jdbc.shop.ShopConfiguration;
import io.github.sqlitehybrid.data.jdbc.shop.Ticket;
import io.github.sqlitehybrid.data.jdbc.shop.TicketRepository;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Data JDBC repositories on a SQLite file, with Boot's and the starter's auto-configurations and no setting
 * but the URL: the dialect is found, aggregates round-trip, and queries, paging and sorting give what the same
 * filters and orders give in Java.
 */
class SqliteDataJdbcRepositoryTests {

    private static final int ORDERS = 60;

    @TempDir
    Path dir;

    private ApplicationContextRunner contextRunner() {
        return DataJdbcContexts.onFile(this.dir.resolve("data.db"));
    }

    @Test
    void springDataPicksTheSqliteDialectWithNoSetting() {
        contextRunner().run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(JdbcDialect.class)).isSameAs(JdbcSqliteDialect.INSTANCE);
            assertThat(context.getBean(DataSource.class)).isInstanceOf(SqliteSingleWriterDataSource.class);
        });
    }

    @Test
    void everyPropertyAndLineRoundTrips() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = orders.saveAll(SampleOrders.create(ORDERS, 4));
            assertThat(saved).extracting(Order::getId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(orders.findAll(Sort.by("id")))
                    .usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(byId(saved));
            for (Order order : saved) {
                assertThat(orders.findById(order.getId()))
                        .get()
                        .usingRecursiveComparison()
                        .isEqualTo(order);
            }
        });
    }

    @Test
    void datesAreStoredAsTextThatSqlitesDateFunctionsRead() {
        contextRunner().run((context) -> {
            Order order = repository(context).save(SampleOrders.order(1, ORDERS, "c"));
            Map<String, Object> row = jdbc(context)
                    .queryForMap(
                            "SELECT typeof(order_date) AS date_type, typeof(placed_at) AS placed_type,"
                                    + " typeof(updated_at) AS updated_type, date(order_date) AS day,"
                                    + " strftime('%Y-%m-%d %H:%M:%f', placed_at) AS placed,"
                                    + " unixepoch(updated_at) AS epoch FROM \"order\" WHERE id = ?",
                            order.getId());
            assertThat(row)
                    .containsEntry("date_type", "text")
                    .containsEntry("placed_type", "text")
                    .containsEntry("updated_type", "text");
            assertThat(row.get("day")).isEqualTo(order.getOrderDate().toString());
            assertThat(row.get("placed"))
                    .isEqualTo(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                            .format(order.getPlacedAt()));
            assertThat(((Number) row.get("epoch")).longValue())
                    .isEqualTo(order.getUpdatedAt().getEpochSecond());
        });
    }

    @Test
    void aStaleVersionIsAnOptimisticLockingFailure() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            long id = orders.save(SampleOrders.order(1, ORDERS, "c")).getId();
            Order first = orders.findById(id).orElseThrow();
            Order stale = orders.findById(id).orElseThrow();
            first.setStatus("cancelled");
            Order updated = orders.save(first);
            assertThat(updated.getVersion()).isEqualTo(stale.getVersion() + 1);
            stale.setStatus("shipped");
            assertThatExceptionOfType(OptimisticLockingFailureException.class).isThrownBy(() -> orders.save(stale));
            assertThat(orders.findById(id))
                    .get()
                    .extracting(Order::getStatus, Order::getVersion)
                    .containsExactly("cancelled", updated.getVersion());
        });
    }

    @Test
    void derivedQueriesFilterByPropertyAndByDateRange() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = byId(orders.saveAll(SampleOrders.create(ORDERS, 4)));
            LocalDate from = saved.get(7).getOrderDate();
            LocalDate to = from.plusDays(20);
            LocalDateTime placedFrom = saved.get(11).getPlacedAt();
            Instant updatedBefore = saved.get(13).getUpdatedAt();
            assertSameOrders(
                    orders.findByCustomerOrderById("customer-2"),
                    saved,
                    (o) -> o.getCustomer().equals("customer-2"));
            assertSameOrders(orders.findByPaidTrueOrderById(), saved, Order::isPaid);
            assertSameOrders(
                    orders.findByOrderDateBetweenOrderById(from, to),
                    saved,
                    (o) -> !o.getOrderDate().isBefore(from) && !o.getOrderDate().isAfter(to));
            assertSameOrders(
                    orders.findByPlacedAtGreaterThanEqualOrderById(placedFrom),
                    saved,
                    (o) -> !o.getPlacedAt().isBefore(placedFrom));
            assertSameOrders(
                    orders.findByUpdatedAtBeforeOrderById(updatedBefore),
                    saved,
                    (o) -> o.getUpdatedAt().isBefore(updatedBefore));
        });
    }

    @Test
    void topThreeAndSortingOrderDatesChronologically() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = orders.saveAll(SampleOrders.create(ORDERS, 4));
            assertThat(orders.findTop3ByCustomerOrderByPlacedAtDesc("customer-1"))
                    .extracting(Order::getId)
                    .containsExactlyElementsOf(saved.stream()
                            .filter((o) -> o.getCustomer().equals("customer-1"))
                            .sorted(Comparator.comparing(Order::getPlacedAt).reversed())
                            .limit(3)
                            .map(Order::getId)
                            .toList());
            assertThat(orders.findAll(Sort.by(Sort.Direction.DESC, "updatedAt")))
                    .extracting(Order::getId)
                    .containsExactlyElementsOf(idsSortedBy(
                            saved, Comparator.comparing(Order::getUpdatedAt).reversed()));
            assertThat(orders.findAll(Sort.by("orderDate")))
                    .extracting(Order::getId)
                    .containsExactlyElementsOf(idsSortedBy(saved, Comparator.comparing(Order::getOrderDate)));
        });
    }

    @Test
    void pagesHoldTheRightSliceAndTotal() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = orders.saveAll(SampleOrders.create(ORDERS, 4));
            Page<Order> page = orders.findAll(PageRequest.of(1, 10, Sort.by("placedAt")));
            assertThat(page.getTotalElements()).isEqualTo(ORDERS);
            assertThat(page.getContent())
                    .extracting(Order::getId)
                    .containsExactlyElementsOf(idsSortedBy(saved, Comparator.comparing(Order::getPlacedAt))
                            .subList(10, 20));
            List<Order> open =
                    saved.stream().filter((o) -> o.getStatus().equals("open")).toList();
            Page<Order> openPage = orders.findByStatus("open", PageRequest.of(1, 10, Sort.by("orderDate")));
            assertThat(openPage.getTotalElements()).isEqualTo(open.size());
            assertThat(openPage.getTotalPages()).isEqualTo((open.size() + 9) / 10);
            assertThat(openPage.getContent())
                    .extracting(Order::getId)
                    .containsExactlyElementsOf(idsSortedBy(open, Comparator.comparing(Order::getOrderDate))
                            .subList(10, 20));
        });
    }

    @Test
    void queriesWithNamedParametersReadAndModify() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = byId(orders.saveAll(SampleOrders.create(ORDERS, 4)));
            LocalDate since = saved.get(5).getOrderDate();
            assertThat(orders.findPlacedSince("customer-3", since))
                    .usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(saved.stream()
                            .filter((o) -> o.getCustomer().equals("customer-3"))
                            .filter((o) -> !o.getOrderDate().isBefore(since))
                            .sorted(Comparator.comparing(Order::getOrderDate).thenComparing(Order::getId))
                            .toList());
            long ofCustomer = saved.stream()
                    .filter((o) -> o.getCustomer().equals("customer-0"))
                    .count();
            assertThat(orders.changeStatusOfCustomer("customer-0", "held")).isEqualTo((int) ofCustomer);
            assertThat(orders.findByCustomerOrderById("customer-0"))
                    .hasSize((int) ofCustomer)
                    .allSatisfy((o) -> assertThat(o.getStatus()).isEqualTo("held"));
        });
    }

    @Test
    void aPessimisticLockRunsInAWriteTransactionWithoutALockClause() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            long id = orders.save(SampleOrders.order(2, ORDERS, "c")).getId();
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            Order changed = transaction.execute((status) -> {
                Order locked = orders.findLockedById(id).orElseThrow();
                locked.setStatus("picked");
                return orders.save(locked);
            });
            assertThat(orders.findById(id)).get().usingRecursiveComparison().isEqualTo(changed);
        });
    }

    @Test
    void deletingAnAggregateDeletesItsLines() {
        contextRunner().run((context) -> {
            OrderRepository orders = repository(context);
            List<Order> saved = orders.saveAll(SampleOrders.create(8, 2));
            Order withLines = saved.stream()
                    .filter((o) -> !o.getLines().isEmpty())
                    .findFirst()
                    .orElseThrow();
            orders.deleteById(withLines.getId());
            assertThat(orders.existsById(withLines.getId())).isFalse();
            assertThat(orders.count()).isEqualTo(saved.size() - 1);
            assertThat(jdbc(context)
                            .queryForObject(
                                    "SELECT count(*) FROM order_line WHERE order_id = ?",
                                    Integer.class,
                                    withLines.getId()))
                    .isZero();
        });
    }

    @Test
    void anAggregateWithOnlyAnIdIsInsertedWithDefaultValues() {
        contextRunner().run((context) -> {
            TicketRepository tickets = context.getBean(TicketRepository.class);
            ShopConfiguration.createSchema(jdbc(context));
            Ticket first = tickets.save(new Ticket());
            Ticket second = tickets.save(new Ticket());
            assertThat(first.getId()).isNotNull();
            assertThat(second.getId()).isNotNull().isNotEqualTo(first.getId());
            assertThat(tickets.findAll())
                    .extracting(Ticket::getId)
                    .containsExactlyInAnyOrder(first.getId(), second.getId());
        });
    }

    private static OrderRepository repository(AssertableApplicationContext context) {
        ShopConfiguration.createSchema(jdbc(context));
        return context.getBean(OrderRepository.class);
    }

    private static JdbcTemplate jdbc(AssertableApplicationContext context) {
        return context.getBean(JdbcTemplate.class);
    }

    private static List<Order> byId(List<Order> orders) {
        return orders.stream().sorted(Comparator.comparing(Order::getId)).toList();
    }

    private static List<Long> idsSortedBy(List<Order> orders, Comparator<Order> order) {
        return orders.stream().sorted(order).map(Order::getId).toList();
    }

    private static void assertSameOrders(List<Order> found, List<Order> saved, Predicate<Order> filter) {
        List<Order> expected = saved.stream().filter(filter).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(saved.size());
        assertThat(found).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(expected);
    }
}
