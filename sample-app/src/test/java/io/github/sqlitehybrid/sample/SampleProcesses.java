package io.github.sqlitehybrid.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link SampleProcess sample processes} for a test and, after it, prints the tail of each one's output
 * when the test failed, then kills every one still running. Register with {@code @RegisterExtension}.
 */
final class SampleProcesses implements AfterEachCallback {

    private final List<SampleProcess> started = new ArrayList<>();

    /**
     * Start a sample process and wait until it is ready.
     * @param name what to call it
     * @param dataDirectory where its SQLite files are
     * @param properties more application properties
     * @return the ready process
     */
    SampleProcess startReady(String name, Path dataDirectory, Map<String, String> properties) {
        return start(name, dataDirectory, properties).awaitReady();
    }

    /**
     * Start a sample process without waiting for it.
     * @param name what to call it
     * @param dataDirectory where its SQLite files are
     * @param properties more application properties
     * @return the process, maybe not ready yet
     */
    SampleProcess start(String name, Path dataDirectory, Map<String, String> properties) {
        return start(name, dataDirectory, properties, List.of());
    }

    /**
     * Start a sample process with more JVM arguments, without waiting for it.
     * @param name what to call it
     * @param dataDirectory where its SQLite files are
     * @param properties more application properties
     * @param jvmArguments more arguments for the JVM
     * @return the process, maybe not ready yet
     */
    SampleProcess start(String name, Path dataDirectory, Map<String, String> properties, List<String> jvmArguments) {
        SampleProcess process = SampleProcess.start(name, dataDirectory, properties, jvmArguments);
        synchronized (this.started) {
            this.started.add(process);
        }
        return process;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<SampleProcess> processes;
        synchronized (this.started) {
            processes = new ArrayList<>(this.started);
            this.started.clear();
        }
        if (context.getExecutionException().isPresent()) {
            for (SampleProcess process : processes) {
                System.err.println("---- last lines of " + process + " (" + process.output() + ")");
                System.err.println(process.outputTail(60));
            }
        }
        for (SampleProcess process : processes) {
            if (process.isAlive()) {
                process.sigkill();
                process.awaitExit(Duration.ofSeconds(30));
            }
        }
    }
}
