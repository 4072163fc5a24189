package io.github.sqlitehybrid.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The sample service in a JVM of its own, as in production: its own process id, its own write turn, real
 * signals. Started on a free port with its two SQLite files in a given directory and its output in a file,
 * which {@link #outputTail(int)} reads back for diagnosis. Made through {@link SampleProcesses}, which kills
 * what a test leaves running.
 */
final class SampleProcess {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final String name;

    private final Process process;

    private final Path output;

    private final String baseUrl;

    private final RestClient http;

    private SampleProcess(String name, Process process, Path output, int port) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.baseUrl = "http://localhost:" + port;
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        requests.setReadTimeout(Duration.ofSeconds(60));
        this.http = RestClient.builder()
                .baseUrl(this.baseUrl)
                .requestFactory(requests)
                .build();
    }

    /**
     * Start {@link SampleApplication} in a new JVM, without waiting for it to be ready.
     * @param name what to call it in messages and in its output file's name
     * @param dataDirectory where {@code sample.db} and {@code sample-logs.db} are
     * @param properties more application properties, given on the command line
     * @return the process
     */
    static SampleProcess start(String name, Path dataDirectory, Map<String, String> properties) {
        return start(name, dataDirectory, properties, List.of());
    }

    /**
     * Start {@link SampleApplication} in a new JVM with more JVM arguments, without waiting for it to be ready.
     * @param name what to call it in messages and in its output file's name
     * @param dataDirectory where {@code sample.db} and {@code sample-logs.db} are
     * @param properties more application properties, given on the command line
     * @param jvmArguments more arguments for the JVM, such as {@code -Dspring.aot.enabled=true}
     * @return the process
     */
    static SampleProcess start(
            String name, Path dataDirectory, Map<String, String> properties, List<String> jvmArguments) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArguments);
        command.add("-cp");
        command.add(classpath());
        command.add(SampleApplication.class.getName());
        command.add("--server.port=" + port);
        command.add("--spring.datasource.url=jdbc:sqlite:" + dataDirectory.resolve("sample.db"));
        command.add("--sqlite.hybrid.log-database.path=" + dataDirectory.resolve("sample-logs.db"));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path output = dataDirectory.resolve(name + ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .start();
            return new SampleProcess(name, process, output, port);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot start " + command, ex);
        }
    }

    /**
     * The test's classpath, which holds the sample's classes and every dependency. Surefire's booter puts it
     * in {@code java.class.path} even when it starts the test JVM from a manifest-only jar.
     */
    private static String classpath() {
        String classpath = System.getProperty("java.class.path");
        if (!classpath.contains(Path.of("sample-app", "target", "classes").toString())) {
            throw new IllegalStateException("java.class.path does not name sample-app/target/classes: " + classpath);
        }
        return classpath;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Wait until {@code /actuator/health} answers UP.
     * @return this process
     * @throws IllegalStateException when it exits first or is not ready within two minutes
     */
    SampleProcess awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!this.process.isAlive()) {
                throw new IllegalStateException(
                        this + " exited with " + this.process.exitValue() + " before it was ready:\n" + outputTail(40));
            }
            try {
                Map<String, Object> health =
                        this.http.get().uri("/actuator/health").retrieve().body(JSON_OBJECT);
                if (health != null && "UP".equals(health.get("status"))) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // Not listening yet, or not UP yet.
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(this + " not ready within " + READY_TIMEOUT + ":\n" + outputTail(40));
    }

    /** Ask it to stop, as {@code kill -TERM} does: Boot's shutdown hook runs. */
    void sigterm() {
        this.process.destroy();
    }

    /** Kill it at once, as {@code kill -KILL} does: nothing more runs in it. */
    void sigkill() {
        this.process.destroyForcibly();
    }

    /**
     * Wait for it to exit.
     * @param timeout how long at most
     * @return its exit code
     * @throws IllegalStateException when it still runs after the timeout
     */
    int awaitExit(Duration timeout) {
        try {
            if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(this + " still running after " + timeout + ":\n" + outputTail(40));
            }
            return this.process.exitValue();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    boolean isAlive() {
        return this.process.isAlive();
    }

    long pid() {
        return this.process.pid();
    }

    String baseUrl() {
        return this.baseUrl;
    }

    /**
     * A client for its HTTP API and actuator endpoints.
     * @return a client with this process's base URL
     */
    RestClient http() {
        return this.http;
    }

    /**
     * A GET answered with a JSON object.
     * @param path the path, such as {@code /actuator/dblocks}
     * @return the object
     */
    Map<String, Object> getJson(String path) {
        return this.http.get().uri(path).retrieve().body(JSON_OBJECT);
    }

    /**
     * The last lines of its output.
     * @param lines how many lines at most
     * @return those lines
     */
    String outputTail(int lines) {
        try {
            List<String> all = Files.readAllLines(this.output, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException ex) {
            return "(no output: " + ex + ")";
        }
    }

    Path output() {
        return this.output;
    }

    @Override
    public String toString() {
        return "Sample process '" + this.name + "' (pid " + this.process.pid() + ", " + this.baseUrl + ")";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
