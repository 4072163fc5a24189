package io.github.sqlitehybrid.it.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.it.support.Figures;
import io.github.sqlitehybrid.it.support.HttpFailure;
import io.github.sqlitehybrid.it.support.Load;
import io.github.sqlitehybrid.it.support.Load.Outcome;
import io.github.sqlitehybrid.it.support.Stack;
import io.github.sqlitehybrid.it.support.TestApplication;
import io.github.sqlitehybrid.writer.SqliteSingleWriterDataSource;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Spring Session JDBC with Boot's defaults in a web application: sixteen HTTP clients, each with its own cookies
 * and so its own session, send requests that read a counter from the session and set it one higher. Spring
 * Session loads and saves the session in transactions of their own around every request. With the starter, every
 * request succeeds and every client's counter, as stored, is its number of requests.
 */
class SpringSessionTests {

    private static final int CLIENTS = 16;

    private static final int REQUESTS_PER_CLIENT = 100;

    // Boot initializes Spring Session's schema only on an embedded database by default, which a SQLite file never is.
    private static final TestApplication SESSIONS = TestApplication.of(SessionApplication.class)
            .with(Stack.SESSION)
            .web()
            .property("spring.session.jdbc.initialize-schema", "always");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRequestSucceedsAndNoSessionUpdateIsLost() throws Exception {
        Counters starter = count(this.dir.resolve("starter.db"), true);
        Counters plain = count(this.dir.resolve("plain.db"), false);
        Figures.print(
                "Spring Session JDBC, a counter per session (" + CLIENTS + " clients x " + REQUESTS_PER_CLIENT + ")",
                starter,
                plain);
        assertThat(starter.outcome().failures())
                .as(starter.outcome().examples().toString())
                .isEmpty();
        assertThat(starter.outcome().stalled()).isFalse();
        assertThat(starter.stored()).containsOnlyKeys(starter.sessionIds().values());
        assertThat(starter.stored())
                .allSatisfy((id, count) ->
                        assertThat(count).as("counter of session " + id).isEqualTo(REQUESTS_PER_CLIENT));
        assertThat(starter.sessionRows()).isEqualTo(CLIENTS);
        assertThat(starter.attributeRows()).isEqualTo(CLIENTS);
    }

    private Counters count(Path file, boolean starter) throws Exception {
        try (ConfigurableApplicationContext context = SESSIONS.start(file, starter)) {
            URI counter = URI.create(
                    "http://localhost:" + context.getEnvironment().getProperty("local.server.port") + "/counter");
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(HttpClient.newBuilder()
                        .cookieHandler(new CookieManager())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build());
            }
            Map<Integer, String> sessionIds = new ConcurrentHashMap<>();
            Set<String> sessionsSeen = ConcurrentHashMap.newKeySet();
            long turnsBefore = turns(context, starter);
            Outcome outcome = Load.run(CLIENTS, REQUESTS_PER_CLIENT, 150, (client, i) -> {
                HttpResponse<String> response = clients.get(client)
                        .send(
                                HttpRequest.newBuilder(counter)
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .timeout(Duration.ofSeconds(60))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new HttpFailure(response);
                }
                String[] answer = response.body().split(" ");
                sessionsSeen.add(answer[0]);
                // A client's requests run one after another, so the count it is answered is its own number.
                if (!answer[0].equals(sessionIds.computeIfAbsent(client, (c) -> answer[0]))) {
                    throw new IllegalStateException("client " + client + " was given a new session " + answer[0]);
                }
                if (Integer.parseInt(answer[1]) != i + 1) {
                    throw new IllegalStateException(
                            "request " + (i + 1) + " of client " + client + " counted " + answer[1]);
                }
            });
            @SuppressWarnings("unchecked")
            SessionRepository<Session> repository = context.getBean(SessionRepository.class);
            Map<String, Integer> stored = new ConcurrentHashMap<>();
            for (String id : sessionsSeen) {
                Session session = repository.findById(id);
                if (session != null) {
                    stored.put(id, session.getAttributeOrDefault(CounterController.COUNT, 0));
                }
            }
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            long turns = turns(context, starter) - turnsBefore;
            return new Counters(
                    outcome,
                    Map.copyOf(sessionIds),
                    Map.copyOf(stored),
                    jdbc.queryForObject("SELECT count(*) FROM SPRING_SESSION", Integer.class),
                    jdbc.queryForObject("SELECT count(*) FROM SPRING_SESSION_ATTRIBUTES", Integer.class),
                    turns);
        }
    }

    // Spring Session reads and saves in read-write transactions, so every one of them takes the turn.
    private static long turns(ConfigurableApplicationContext context, boolean starter) throws Exception {
        return starter
                ? context.getBean(DataSource.class)
                        .unwrap(SqliteSingleWriterDataSource.class)
                        .getWriteTurn()
                        .stats()
                        .acquisitions()
                : 0;
    }

    /**
     * What the clients did and what the session store kept.
     * @param outcome the requests
     * @param sessionIds each client's session
     * @param stored each session's counter as stored, by session id
     * @param sessionRows rows in the session table
     * @param attributeRows rows in the attribute table
     * @param writeTurns write turns taken during the requests (with the starter)
     */
    record Counters(
            Outcome outcome,
            Map<Integer, String> sessionIds,
            Map<String, Integer> stored,
            int sessionRows,
            int attributeRows,
            long writeTurns) {

        @Override
        public String toString() {
            long behind = this.stored.values().stream()
                    .filter((count) -> count != REQUESTS_PER_CLIENT)
                    .count();
            return this.outcome + "; " + this.sessionRows + " sessions, " + this.attributeRows
                    + " attribute rows, " + behind + " of " + this.stored.size() + " counters not at "
                    + REQUESTS_PER_CLIENT
                    + ((this.writeTurns > 0)
                            ? String.format(
                                    "; %.1f write turns a request", (double) this.writeTurns / this.outcome.attempted())
                            : "");
        }
    }
}
