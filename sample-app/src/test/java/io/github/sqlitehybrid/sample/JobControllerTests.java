package io.github.sqlitehybrid.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** The HTTP API: what each request is answered, bad input included. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.workers=1")
@DirtiesContext
class JobControllerTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    @TempDir
    static Path dataDirectory;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDataFiles.inside(dataDirectory, registry);
    }

    @LocalServerPort
    private int port;

    private RestClient http;

    @BeforeEach
    void createClient() {
        this.http = RestClient.create("http://localhost:" + this.port);
    }

    @Test
    void postingAnEpisodeQueuesAJobThatCanBeRead() {
        ResponseEntity<Map<String, Object>> created = post("/jobs", "{\"episodeUrl\": \"https://pod.example/1.mp3\"}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = ((Number) created.getBody().get("id")).longValue();
        assertThat(created.getHeaders().getLocation()).hasPath("/jobs/" + id);

        ResponseEntity<Map<String, Object>> job = exchange(HttpMethod.GET, "/jobs/" + id, null);
        assertThat(job.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(job.getBody())
                .containsEntry("id", (int) id)
                .containsEntry("episodeUrl", "https://pod.example/1.mp3")
                .containsKeys("status", "attempts", "createdAt", "updatedAt");
    }

    @Test
    void postingABatchQueuesConsecutiveJobs() {
        ResponseEntity<Map<String, Object>> created =
                post("/jobs/batch", "{\"count\": 3, \"prefix\": \"https://pod.example/ep-\"}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getBody()).containsEntry("count", 3);
        long firstId = ((Number) created.getBody().get("firstId")).longValue();
        long lastId = ((Number) created.getBody().get("lastId")).longValue();
        assertThat(lastId - firstId).isEqualTo(2);
        assertThat(exchange(HttpMethod.GET, "/jobs/" + firstId, null).getBody())
                .containsEntry("episodeUrl", "https://pod.example/ep-1");
        assertThat(exchange(HttpMethod.GET, "/jobs/" + lastId, null).getBody())
                .containsEntry("episodeUrl", "https://pod.example/ep-3");
    }

    @Test
    void countsAlwaysNameEveryStatus() {
        ResponseEntity<Map<String, Object>> counts = exchange(HttpMethod.GET, "/jobs/counts", null);
        assertThat(counts.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(counts.getBody()).containsOnlyKeys("queued", "running", "completed", "failed");
    }

    @Test
    void anUnknownJobIsNotFound() {
        ResponseEntity<Map<String, Object>> answer = exchange(HttpMethod.GET, "/jobs/987654321", null);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(answer.getBody()).containsEntry("detail", "No job with id 987654321");
    }

    @Test
    void aJobWithoutEpisodeUrlIsRejected() {
        assertBadRequest(post("/jobs", "{}"), "episodeUrl must not be blank");
        assertBadRequest(post("/jobs", "{\"episodeUrl\": null}"), "episodeUrl must not be blank");
        assertBadRequest(post("/jobs", "{\"episodeUrl\": \"   \"}"), "episodeUrl must not be blank");
    }

    @Test
    void aTooLongEpisodeUrlIsRejected() {
        String url = "https://pod.example/" + "a".repeat(2048);
        assertBadRequest(
                post("/jobs", "{\"episodeUrl\": \"" + url + "\"}"), "episodeUrl must be at most 2048 characters long");
    }

    @Test
    void malformedOrMissingJsonIsRejected() {
        assertBadRequest(post("/jobs", "{\"episodeUrl\": "), "Failed to read request");
        assertBadRequest(post("/jobs", ""), "Failed to read request");
        assertBadRequest(post("/jobs/batch", "{\"count\": \"many\", \"prefix\": \"p\"}"), "Failed to read request");
    }

    @Test
    void aBatchWithACountOutOfRangeIsRejected() {
        assertBadRequest(post("/jobs/batch", "{\"prefix\": \"p\"}"), "count must be between 1 and 10000, was null");
        assertBadRequest(
                post("/jobs/batch", "{\"count\": 0, \"prefix\": \"p\"}"), "count must be between 1 and 10000, was 0");
        assertBadRequest(
                post("/jobs/batch", "{\"count\": 10001, \"prefix\": \"p\"}"),
                "count must be between 1 and 10000, was 10001");
    }

    @Test
    void aBatchWithoutPrefixIsRejected() {
        assertBadRequest(post("/jobs/batch", "{\"count\": 5}"), "prefix must not be blank");
        assertBadRequest(post("/jobs/batch", "{\"count\": 5, \"prefix\": \"\"}"), "prefix must not be blank");
    }

    @Test
    void anEpisodeUrlThatIsNotAnHttpUrlIsRejected() {
        String notHttp = "episodeUrl must be an absolute http or https URL with a host";
        assertBadRequest(post("/jobs", "{\"episodeUrl\": \"episode-1.mp3\"}"), notHttp);
        assertBadRequest(post("/jobs", "{\"episodeUrl\": \"ftp://pod.example/1.mp3\"}"), notHttp);
        assertBadRequest(post("/jobs", "{\"episodeUrl\": \"https:///1.mp3\"}"), notHttp);
        assertBadRequest(
                post("/jobs", "{\"episodeUrl\": \"https://pod.example/an episode.mp3\"}"),
                "episodeUrl is not a valid URL: Illegal character in path at index 22");
        assertBadRequest(
                post("/jobs/batch", "{\"count\": 5, \"prefix\": \"pod.example/ep-\"}"),
                "prefix must be an absolute http or https URL with a host");
    }

    @Test
    void fieldsOfTheWrongTypeAreRejected() {
        assertBadRequest(post("/jobs", "{\"episodeUrl\": [\"https://pod.example/1.mp3\"]}"), "Failed to read request");
        assertBadRequest(post("/jobs", "{\"episodeUrl\": {\"url\": \"x\"}}"), "Failed to read request");
        assertBadRequest(post("/jobs", "[\"https://pod.example/1.mp3\"]"), "Failed to read request");
        assertBadRequest(
                post("/jobs/batch", "{\"count\": 99999999999, \"prefix\": \"https://pod.example/\"}"),
                "Failed to read request");
    }

    @Test
    void aJobIdThatIsNotANumberIsRejected() {
        assertBadRequest(exchange(HttpMethod.GET, "/jobs/abc", null), "Failed to convert 'id' with value: 'abc'");
        assertBadRequest(
                exchange(HttpMethod.GET, "/jobs/99999999999999999999", null),
                "Failed to convert 'id' with value: '99999999999999999999'");
    }

    @Test
    void aBodyThatIsNotJsonIsUnsupported() {
        ResponseEntity<Map<String, Object>> answer = this.http
                .post()
                .uri("/jobs")
                .contentType(MediaType.TEXT_PLAIN)
                .body("https://pod.example/1.mp3")
                .retrieve()
                .onStatus((status) -> true, (req, res) -> {})
                .toEntity(JSON_OBJECT);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(answer.getBody())
                .containsEntry("detail", "Content-Type 'text/plain;charset=UTF-8' is not supported.");
    }

    @Test
    void theDbLocksEndpointRejectsAMalformedWrite() {
        ResponseEntity<Map<String, Object>> answer = post("/actuator/dblocks", "{\"flush\": ");
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    private static void assertBadRequest(ResponseEntity<Map<String, Object>> answer, String detail) {
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getBody()).containsEntry("status", 400).containsEntry("detail", detail);
    }

    private ResponseEntity<Map<String, Object>> post(String path, String json) {
        return exchange(HttpMethod.POST, path, json);
    }

    private ResponseEntity<Map<String, Object>> exchange(HttpMethod method, String path, String json) {
        RestClient.RequestBodySpec request = this.http.method(method).uri(path);
        if (json != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(json);
        }
        // Every status is an answer to check here, not an error to throw.
        return request.retrieve().onStatus((status) -> true, (req, res) -> {}).toEntity(JSON_OBJECT);
    }
}
