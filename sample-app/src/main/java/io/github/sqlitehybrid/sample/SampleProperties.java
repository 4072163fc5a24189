package io.github.sqlitehybrid.sample;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the job queue, {@code sample.*}.
 *
 * @param workers number of worker threads
 * @param pollInterval how long an idle worker sleeps before it looks for a queued job again
 * @param workTime how long the simulated transcription of one episode takes
 * @param failureRate share of transcriptions that fail at random, from 0 to 1, on top of those whose URL
 *     contains "fail"
 * @param shutdownTimeout how long stopping waits for jobs in flight before it interrupts them
 */
@ConfigurationProperties("sample")
public record SampleProperties(
        @DefaultValue("8") int workers,
        @DefaultValue("50ms") Duration pollInterval,
        @DefaultValue("5ms") Duration workTime,
        @DefaultValue("0.05") double failureRate,
        @DefaultValue("10s") Duration shutdownTimeout) {

    public SampleProperties {
        if (workers < 1) {
            throw new IllegalArgumentException("sample.workers must be 1 or more, was " + workers);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("sample.failure-rate must be between 0 and 1, was " + failureRate);
        }
        requireNotNegative("sample.poll-interval", pollInterval);
        requireNotNegative("sample.work-time", workTime);
        requireNotNegative("sample.shutdown-timeout", shutdownTimeout);
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
