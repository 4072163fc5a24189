package io.github.sqlitehybrid.it.quartz;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The table the jobs record their runs in, one row a firing: its key is the trigger and the scheduled fire time, so
 * a firing run twice fails its second insert. Created with the application, before the scheduler starts.
 */
@Component
class JobRuns {

    private final JdbcTemplate jdbc;

    private final AtomicInteger executions = new AtomicInteger();

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    JobRuns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("CREATE TABLE IF NOT EXISTS job_runs (trigger_name TEXT NOT NULL, job_name TEXT NOT NULL,"
                + " scheduled_at INTEGER NOT NULL, PRIMARY KEY (trigger_name, scheduled_at))");
    }

    void record(String trigger, String job, long scheduledAt) {
        this.jdbc.update(
                "INSERT INTO job_runs (trigger_name, job_name, scheduled_at) VALUES (?, ?, ?)",
                trigger,
                job,
                scheduledAt);
        this.executions.incrementAndGet();
    }

    void fail(String failure) {
        this.failures.add(failure);
    }

    int executions() {
        return this.executions.get();
    }

    List<String> failures() {
        return List.copyOf(this.failures);
    }
}
