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
 * @param leaseDuration how long a claimed job belongs to its worker without news from it: the worker's process
 *     renews the lease of each job in hand every third of this time, and puts back in the queue every running
 *     job whose lease expired (its process died or lost the database for that long), so it should comfortably
 *     exceed the longest pause a live process may have (GC, a lock held by another process)
 */
@ConfigurationProperties("sample")
public record SampleProperties(
        @DefaultValue("8") int workers,
        @DefaultValue("50ms") Duration pollInterval,
        @DefaultValue("5ms") Duration workTime,
        @DefaultValue("0.05") double failureRate,
        @DefaultValue("10s") Duration shutdownTimeout,
        @DefaultValue("30s") Duration leaseDuration) {

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
        if (leaseDuration.toMillis() < 30) {
            throw new IllegalArgumentException("sample.lease-duration must be at least 30ms, was " + leaseDuration);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
