package io.github.sqlitehybrid.it.datajdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/**
 * Spring Data JDBC repositories, which have no SQLite dialect of their own, on a file with the starter: sixteen
 * threads create their aggregates and update each of them three times ({@code @Version} checked at every save)
 * while paging queries read beside them.
 */
class SpringDataJdbcTests {

    private static final int THREADS = 16;

    private static final int CUSTOMERS_PER_THREAD = 40;

    private static final int VISITS = 3;

    private static final TestApplication SHOP = TestApplication.of(ShopApplication.class)
            .with(Stack.DATA_JDBC)
            .property("spring.sql.init.mode", "always")
            .property("spring.sql.init.schema-locations", "classpath:datajdbc/schema.sql");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aggregatesCreatedAndUpdatedFromSixteenThreadsAreAllThereAtTheirLastVersion() throws Exception {
        Outcome starter = load(this.dir.resolve("starter.db"), true);
        // Without the dialect Spring Data JDBC does not start on SQLite at all. Spring Data finds it through
        // spring.factories, with or without the starter's auto-configuration, so "plain Boot" here has the dialect
        // and nothing else of the starter: no single writer, no exception translation.
        Outcome plain = load(this.dir.resolve("plain.db"), false);
        Figures.print(
                "Spring Data JDBC, " + THREADS + " threads x " + CUSTOMERS_PER_THREAD
                        + " aggregates, each saved and updated " + VISITS + " times",
                starter,
                plain);
        assertThat(starter.failures()).as(starter.examples().toString()).isEmpty();
    }

    private Outcome load(Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = SHOP.start(file, starter)) {
            CustomerRepository customers = context.getBean(CustomerRepository.class);
            LocalDate since = LocalDate.of(2020, 1, 1);
            Outcome outcome = Load.run(THREADS, CUSTOMERS_PER_THREAD, 150, (thread, i) -> {
                Customer customer = customers.save(new Customer("customer " + thread + "/" + i, since.plusDays(i)));
                for (int visit = 0; visit < VISITS; visit++) {
                    Customer current = customers.findById(customer.getId()).orElseThrow();
                    current.visited(Instant.now().truncatedTo(ChronoUnit.MILLIS));
                    customers.save(current);
                }
                if (i % 10 == 0) {
                    Page<Customer> page = customers.findBySinceAfter(since, PageRequest.of(0, 10, Sort.by("id")));
                    assertThat(page.getContent()).hasSizeLessThanOrEqualTo(10);
                }
            });
            if (starter) {
                assertEveryAggregateAtItsLastVersion(customers, since);
            }
            return outcome;
        }
    }

    private static void assertEveryAggregateAtItsLastVersion(CustomerRepository customers, LocalDate since) {
        List<Customer> all = customers.findAll();
        assertThat(all).hasSize(THREADS * CUSTOMERS_PER_THREAD);
        assertThat(all).allSatisfy((customer) -> {
            assertThat(customer.getVisits()).isEqualTo(VISITS);
            // Spring Data JDBC sets version 1 on insert, then adds one at each update.
            assertThat(customer.getVersion()).isEqualTo(VISITS + 1);
            assertThat(customer.getLastSeen()).isNotNull();
        });
        assertThat(all.stream().map(Customer::getName).distinct()).hasSize(all.size());
        assertThat(customers.countWithAtLeast(VISITS)).isEqualTo(all.size());
        Page<Customer> second = customers.findBySinceAfter(
                since.plusDays(CUSTOMERS_PER_THREAD - 11), PageRequest.of(1, 5, Sort.by("since", "id")));
        assertThat(second.getTotalElements()).isEqualTo(10L * THREADS);
        assertThat(second.getContent()).hasSize(5);
    }
}
