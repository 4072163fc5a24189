package io.github.sqlitehybrid.it.jpa.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.HttpFailure;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import io.github.sqlitehybrid.writer.WriteTurn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Spring Data JPA with Boot's defaults, open session in view included: Hibernate keeps one connection for the whole
 * request, across the request's transactions. With the starter, every request that reads and then writes (or
 * writes and then reads) succeeds, every visit acknowledged is stored exactly once, and reads never take the write
 * turn. The same load on plain Boot is run beside it and its figures printed.
 */
class JpaOpenInViewTests {

    private static final int CLIENTS = 16;

    private static final int REQUESTS_PER_CLIENT = 50;

    private static final TestApplication CLINIC = TestApplication.of(ClinicApplication.class)
            .with(Stack.JPA)
            .web()
            .property("spring.jpa.hibernate.ddl-auto", "update");

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyReadThenWriteRequestSucceedsAndStoresItsVisitOnce() throws Exception {
        Outcome starter = load(CLINIC, this.dir.resolve("starter.db"), true, "/visits");
        Outcome plain = load(CLINIC, this.dir.resolve("plain.db"), false, "/visits");
        Figures.print(
                "JPA, open-in-view, read then write (" + CLIENTS + " clients x " + REQUESTS_PER_CLIENT + ")",
                starter,
                plain);
        assertThat(starter.failures()).as(starter.examples().toString()).isEmpty();
        assertThat(starter.stalled()).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyWriteThenReadRequestSucceedsAndItsReadsNeverTakeTheWriteTurn() throws Exception {
        Outcome starter = load(CLINIC, this.dir.resolve("starter.db"), true, "/visits/then-count");
        Outcome plain = load(CLINIC, this.dir.resolve("plain.db"), false, "/visits/then-count");
        Figures.print(
                "JPA, open-in-view, write then read (" + CLIENTS + " clients x " + REQUESTS_PER_CLIENT + ")",
                starter,
                plain);
        assertThat(starter.failures()).as(starter.examples().toString()).isEmpty();
    }

    /**
     * The workaround users reach for, Hibernate giving the connection back after each transaction, deadlocked
     * once: a request holding a pooled connection waited for the write turn while the turn's holder waited for a
     * pooled connection. Sixteen clients, Boot's pool of ten.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void releasingTheConnectionAfterEachTransactionNeverStalls() throws Exception {
        TestApplication releasing = TestApplication.of(ClinicApplication.class)
                .with(Stack.JPA)
                .web()
                .property("spring.jpa.hibernate.ddl-auto", "update")
                .property(
                        "spring.jpa.properties.hibernate.connection.handling_mode",
                        "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION");
        Outcome starter = load(releasing, this.dir.resolve("starter.db"), true, "/visits");
        Outcome plain = load(releasing, this.dir.resolve("plain.db"), false, "/visits");
        Figures.print("JPA, connection released after each transaction, read then write", starter, plain);
        assertThat(starter.failures()).as(starter.examples().toString()).isEmpty();
        assertThat(starter.stalled()).isFalse();
    }

    /** Runs the load, then checks that the stored visits are exactly the acknowledged ones (with the starter). */
    private Outcome load(TestApplication application, Path file, boolean starter, String path) throws Exception {
        try (ConfigurableApplicationContext context = application.start(file, starter)) {
            OwnerRepository owners = context.getBean(OwnerRepository.class);
            List<Long> ownerIds =
                    owners.saveAll(List.of(new Owner("Ada"), new Owner("Grace"), new Owner("Edsger"))).stream()
                            .map(Owner::getId)
                            .toList();
            String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
            long turnsBefore = starter ? turns(context) : 0;
            Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Outcome outcome = Load.run(CLIENTS, REQUESTS_PER_CLIENT, 180, (client, i) -> {
                String request = "c" + client + "-r" + i;
                long owner = ownerIds.get((client + i) % ownerIds.size());
                HttpResponse<String> response = this.http.send(
                        HttpRequest.newBuilder(URI.create(base + "/owners/" + owner + path + "?request=" + request))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new HttpFailure(response);
                }
                acknowledged.add(request);
            });
            if (starter) {
                assertStoredExactly(context, acknowledged);
                // One write transaction a request, no more: its reads ran on the read pool, whatever came first.
                assertThat(turns(context) - turnsBefore).isEqualTo(outcome.succeeded());
            }
            return outcome;
        }
    }

    private static void assertStoredExactly(ConfigurableApplicationContext context, Set<String> acknowledged) {
        List<String> stored = new JdbcTemplate(context.getBean(DataSource.class))
                .queryForList("SELECT request FROM visit", String.class);
        assertThat(new HashSet<>(stored)).as("requests stored").isEqualTo(acknowledged);
        assertThat(stored).as("each stored once").hasSameSizeAs(acknowledged);
    }

    private static long turns(ConfigurableApplicationContext context) throws Exception {
        DataSource dataSource = context.getBean(DataSource.class);
        WriteTurn turn = dataSource.unwrap(SqliteSingleWriterDataSource.class).getWriteTurn();
        return turn.stats().acquisitions();
    }
}
