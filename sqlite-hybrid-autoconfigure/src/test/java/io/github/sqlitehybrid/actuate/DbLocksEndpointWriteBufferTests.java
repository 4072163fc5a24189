package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sqlitehybrid.EndpointJson;
import io.github.sqlitehybrid.buffer.WriteBuffer;
import io.github.sqlitehybrid.retry.LockStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** {@code POST /actuator/dblocks} flushes the write buffer; {@code GET} shows its figures. */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=dblocks",
            "sqlite.hybrid.write-buffer.flush-interval=1h"
        })
@Timeout(60)
class DbLocksEndpointWriteBufferTests {

    private static final Path DIRECTORY = createDirectory();

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    @LocalServerPort
    private int port;

    @Autowired
    private WriteBuffer writeBuffer;

    @Autowired
    private JdbcTemplate jdbc;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + DIRECTORY.resolve("endpoint.db"));
    }

    @BeforeEach
    void createTable() {
        this.jdbc.execute("CREATE TABLE IF NOT EXISTS progress (job_id INTEGER PRIMARY KEY, percent INTEGER)");
    }

    @Test
    void postFlushesTheWriteBufferAndAnswersHowManyRowsItWrote() {
        for (int id = 0; id < 3; id++) {
            this.writeBuffer.upsert("progress", Map.of("job_id", id, "percent", 10), "job_id");
        }
        this.writeBuffer.upsert("progress", Map.of("job_id", 0, "percent", 20), "job_id");
        RestClient client = RestClient.create("http://localhost:" + this.port);

        Map<String, Object> before =
                client.get().uri("/actuator/dblocks").retrieve().body(JSON);
        assertThat(section(before, "writeBuffer")).containsEntry("pending", 3).containsEntry("coalesced", 1);
        assertThat(before).containsKeys("retry", "database");

        Map<String, Object> answer =
                client.post().uri("/actuator/dblocks").retrieve().body(JSON);
        assertThat(answer).isEqualTo(Map.of("flushed", 3));
        assertThat(this.jdbc.queryForObject("SELECT count(*) FROM progress", Integer.class))
                .isEqualTo(3);

        Map<String, Object> after =
                client.get().uri("/actuator/dblocks").retrieve().body(JSON);
        assertThat(section(after, "writeBuffer"))
                .containsEntry("pending", 0)
                .containsEntry("flushed", 3)
                .containsEntry("flushes", 1)
                .containsEntry("deadLetters", 0)
                .containsKeys("lastFlushTime", "lastFlushDurationMs", "recentDeadLetters");
        assertThat(section(after, "retry")).containsKey("methods");

        assertThat(client.post().uri("/actuator/dblocks").retrieve().body(JSON)).isEqualTo(Map.of("flushed", 0));
    }

    @Test
    void flushWithoutAWriteBufferAnswersClearly() {
        DbLocksEndpoint endpoint = new DbLocksEndpoint(new LockStatistics(), null);
        assertThat(EndpointJson.asMap(endpoint.flush()))
                .containsEntry("flushed", 0L)
                .hasEntrySatisfying(
                        "message", (message) -> assertThat((String) message).contains("No write buffer"));
        assertThat(EndpointJson.asMap(endpoint.dblocks())).doesNotContainKey("writeBuffer");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> report, String name) {
        return (Map<String, Object>) report.get(name);
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("dblocks-endpoint");
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(DIRECTORY);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {}
}
