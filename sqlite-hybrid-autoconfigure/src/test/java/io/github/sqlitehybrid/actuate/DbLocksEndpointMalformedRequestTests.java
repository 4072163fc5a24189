package io.github.sqlitehybrid.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** {@code POST /actuator/dblocks} with a body it cannot read answers 400 with a message, not 500. */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=dblocks,health",
            "sqlite.hybrid.write-buffer.flush-interval=1h"
        })
@Timeout(60)
class DbLocksEndpointMalformedRequestTests {

    @TempDir
    static Path directory;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("endpoint.db"));
    }

    @Test
    void malformedJsonAnswers400WithAMessage() {
        assertBadRequest(post(MediaType.APPLICATION_JSON, "{not json"), "The request body is not a JSON object.");
    }

    @Test
    void jsonThatIsNotAnObjectAnswers400WithAMessage() {
        assertBadRequest(post(MediaType.APPLICATION_JSON, "[1, 2]"), "The request body is not a JSON object.");
    }

    @Test
    void aContentTypeOtherThanJsonAnswers400WithAMessage() {
        assertBadRequest(post(MediaType.TEXT_PLAIN, "flush"), "Content type 'text/plain");
        assertBadRequest(post(MediaType.APPLICATION_XML, "<flush/>"), "Content type 'application/xml");
    }

    @Test
    void noBodyOrAnEmptyObjectStillFlushes() {
        assertThat(post(null, null)).isEqualTo("200 {\"flushed\":0}");
        assertThat(post(MediaType.APPLICATION_JSON, "{}")).isEqualTo("200 {\"flushed\":0}");
    }

    @Test
    void otherRequestsAreLeftToSpringMvc() {
        // Another path's failure keeps Boot's own error answer.
        assertThat(post(MediaType.TEXT_PLAIN, "x", "/actuator/health")).startsWith("405 ");
    }

    private static void assertBadRequest(String answer, String problem) {
        assertThat(answer)
                .startsWith("400 ")
                .contains("\"message\":\"" + problem)
                .contains("POST /actuator/dblocks flushes the write buffer and takes no parameters")
                .contains("\"path\":\"/actuator/dblocks\"");
    }

    private String post(MediaType type, String body) {
        return post(type, body, "/actuator/dblocks");
    }

    private String post(MediaType type, String body, String path) {
        RestClient client = RestClient.create("http://localhost:" + this.port);
        RestClient.RequestBodySpec request = client.post().uri(path);
        if (type != null) {
            request.contentType(type);
        }
        if (body != null) {
            request.body(body.getBytes(StandardCharsets.UTF_8));
        }
        return request.exchange((req, res) ->
                res.getStatusCode().value() + " " + new String(res.getBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {}
}
