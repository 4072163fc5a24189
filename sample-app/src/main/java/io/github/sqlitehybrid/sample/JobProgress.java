package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.buffer.WriteBuffer;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * How far each job has got, as its worker reports it. Progress is written often and only its latest value
 * matters, so it goes through the starter's {@link WriteBuffer}: a report returns at once, reports of one job
 * collapse into one row write, and the rows reach {@code job_progress} in short batches, off the workers'
 * claim and complete transactions.
 */
@Component
public final class JobProgress {

    private static final String TABLE = "job_progress";

    private static final String KEY = "job_id";

    private final WriteBuffer buffer;

    JobProgress(WriteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * Record how far a job has got.
     * @param jobId the job
     * @param worker the worker running it
     * @param percent 0 to 100
     */
    public void report(long jobId, String worker, int percent) {
        this.buffer.upsert(
                TABLE,
                Map.of(
                        KEY,
                        jobId,
                        "percent",
                        percent,
                        "worker",
                        worker,
                        "updated_at",
                        Instant.now().toString()),
                KEY);
    }
}
