package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.sample.JobRepository.JobIdRange;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The job queue over HTTP: queue episodes to transcribe, look at a job, count jobs by status.
 *
 * <p>Episode URLs must be absolute http or https URLs. Bad input is answered 400 with a problem detail ({@code spring.mvc.problemdetails.enabled}) whose
 * {@code detail} says what was wrong.
 */
@RestController
@RequestMapping("/jobs")
final class JobController {

    /** Most jobs one batch may queue: one transaction holds the write lock while it inserts them all. */
    static final int MAX_BATCH = 10_000;

    private static final int MAX_URL_LENGTH = 2048;

    private final JobRepository jobs;

    JobController(JobRepository jobs) {
        this.jobs = jobs;
    }

    @PostMapping
    ResponseEntity<JobCreated> enqueue(@RequestBody EnqueueRequest request) {
        String episodeUrl = requireHttpUrl("episodeUrl", requireText("episodeUrl", request.episodeUrl()), "");
        long id = this.jobs.enqueue(episodeUrl);
        return ResponseEntity.created(URI.create("/jobs/" + id)).body(new JobCreated(id));
    }

    @PostMapping("/batch")
    @ResponseStatus(HttpStatus.CREATED)
    BatchCreated enqueueBatch(@RequestBody BatchRequest request) {
        Integer count = request.count();
        if (count == null || count < 1 || count > MAX_BATCH) {
            throw badRequest("count must be between 1 and " + MAX_BATCH + ", was " + count);
        }
        String prefix = requireHttpUrl("prefix", requireText("prefix", request.prefix()), "1");
        JobIdRange ids = this.jobs.enqueueBatch(prefix, count);
        return new BatchCreated(count, ids.firstId(), ids.lastId());
    }

    @GetMapping("/counts")
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        this.jobs.countByStatus().forEach((status, count) -> counts.put(status.value(), count));
        return counts;
    }

    @GetMapping("/{id}")
    Job job(@PathVariable long id) {
        return this.jobs
                .findById(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No job with id " + id));
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw badRequest(name + " must not be blank");
        }
        if (value.length() > MAX_URL_LENGTH) {
            throw badRequest(name + " must be at most " + MAX_URL_LENGTH + " characters long");
        }
        return value.strip();
    }

    /** An absolute http or https URL with a host, once {@code suffix} is appended. */
    private static String requireHttpUrl(String name, String value, String suffix) {
        URI uri;
        try {
            uri = new URI(value + suffix);
        } catch (URISyntaxException ex) {
            throw badRequest(name + " is not a valid URL: " + ex.getReason() + " at index " + ex.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw badRequest(name + " must be an absolute http or https URL with a host");
        }
        return value;
    }

    private static ResponseStatusException badRequest(String detail) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
    }

    /**
     * Body of {@code POST /jobs}.
     *
     * @param episodeUrl where the episode's audio is
     */
    record EnqueueRequest(String episodeUrl) {}

    /**
     * Body of {@code POST /jobs/batch}.
     *
     * @param count how many jobs, 1 to {@value JobController#MAX_BATCH}
     * @param prefix the episodes' URLs are this prefix followed by 1, 2, ... {@code count}; an http or https URL
     */
    record BatchRequest(Integer count, String prefix) {}

    /**
     * Answer to {@code POST /jobs}.
     *
     * @param id the new job's id
     */
    record JobCreated(long id) {}

    /**
     * Answer to {@code POST /jobs/batch}.
     *
     * @param count how many jobs were queued
     * @param firstId the first new job's id
     * @param lastId the last new job's id; the others lie between
     */
    record BatchCreated(int count, long firstId, long lastId) {}
}
