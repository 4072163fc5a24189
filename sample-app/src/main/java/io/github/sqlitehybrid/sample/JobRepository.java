package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.retry.DbRetry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code jobs} and {@code transcripts} tables, and the units of work the queue is made of.
 *
 * <p>Every method that writes is {@link DbRetry @DbRetry}: with many workers on one SQLite file, a write
 * can fail with a lock error, and the whole call, a whole transaction where there is one, is then run
 * again. {@code @DbRetry} sits beside {@code @Transactional} and runs outside it, so each attempt is a new
 * transaction.
 *
 * <p>Not final: the retry and transaction advice apply through a subclass proxy.
 */
@Repository
public class JobRepository {

    /** SQLite's current time in the form the schema stores. */
    private static final String NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    private static final String INSERT_QUEUED = "INSERT INTO jobs (episode_url, status) VALUES (?, 'queued')";

    private final JdbcTemplate jdbcTemplate;

    private final JdbcClient jdbc;

    public JobRepository(JdbcTemplate jdbcTemplate) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = JdbcClient.create(jdbcTemplate);
    }

    /**
     * Queue one job. A single INSERT commits on its own, so no transaction is needed; the retry covers a
     * write lock held longer than the busy timeout.
     * @param episodeUrl where the episode's audio is
     * @return the new job's id
     */
    @DbRetry
    public long enqueue(String episodeUrl) {
        KeyHolder keys = new GeneratedKeyHolder();
        this.jdbc.sql(INSERT_QUEUED).param(episodeUrl).update(keys);
        return keys.getKeyAs(Number.class).longValue();
    }

    /**
     * Queue many jobs in one transaction: all of them or, on failure, none.
     * @param urlPrefix the episodes' URLs are this prefix followed by 1, 2, ... {@code count}
     * @param count how many jobs
     * @return the ids the new jobs were given
     */
    @DbRetry
    @Transactional
    public JobIdRange enqueueBatch(String urlPrefix, int count) {
        this.jdbcTemplate.batchUpdate(INSERT_QUEUED, new BatchPreparedStatementSetter() {

            @Override
            public void setValues(PreparedStatement statement, int index) throws SQLException {
                statement.setString(1, urlPrefix + (index + 1));
            }

            @Override
            public int getBatchSize() {
                return count;
            }
        });
        // Inside one write transaction nobody else inserts, and SQLite gives each new row the largest rowid
        // plus one, so the ids are consecutive and end at the last one inserted.
        long lastId =
                this.jdbc.sql("SELECT last_insert_rowid()").query(Long.class).single();
        return new JobIdRange(lastId - count + 1, lastId);
    }

    /**
     * The job with the given id, with its transcript if it has one. Read-only, so it runs on the starter's
     * read pool and never waits for a writer.
     * @param id the job's id
     * @return the job, or empty if there is none with this id
     */
    @Transactional(readOnly = true)
    public Optional<Job> findById(long id) {
        return this.jdbc.sql("""
                        SELECT j.id, j.episode_url, j.status, j.attempts, j.worker, j.error, j.created_at, j.updated_at,
                               t.text, t.word_count
                        FROM jobs j LEFT JOIN transcripts t ON t.job_id = j.id
                        WHERE j.id = ?""").param(id).query(JobRepository::job).optional();
    }

    /**
     * How many jobs there are in each status.
     * @return a count for every status, zero included
     */
    @Transactional(readOnly = true)
    public Map<JobStatus, Long> countByStatus() {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0L);
        }
        this.jdbc.sql("SELECT status, count(*) FROM jobs GROUP BY status").query((ResultSet row) -> {
            counts.put(JobStatus.of(row.getString(1)), row.getLong(2));
        });
        return counts;
    }

    /**
     * Move the oldest queued job to running, owned by the given worker.
     *
     * <p>It reads, then writes, as most code does. With the starter's single writer (the default) the
     * transaction waits for the write turn and begins with {@code BEGIN IMMEDIATE}, so no other worker can
     * claim the same job meanwhile. Without it, several workers would read the same oldest job, SQLite would
     * fail all but the first writer at once with {@code SQLITE_BUSY_SNAPSHOT}, and {@code @DbRetry} would run
     * their whole transaction again; it stays for locks held by other processes.
     * @param worker the claiming worker's name
     * @return the claimed job, or empty when none is queued
     */
    @DbRetry
    @Transactional
    public Optional<ClaimedJob> claimNext(String worker) {
        Optional<ClaimedJob> next = this.jdbc
                .sql("SELECT id, episode_url FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1")
                .query((row, rowNum) -> new ClaimedJob(row.getLong(1), row.getString(2), worker))
                .optional();
        if (next.isEmpty()) {
            return next;
        }
        int updated = this.jdbc
                .sql("UPDATE jobs SET status = 'running', worker = ?, attempts = attempts + 1, updated_at = " + NOW
                        + " WHERE id = ? AND status = 'queued'")
                .params(worker, next.get().id())
                .update();
        // SQLite never lets a stale snapshot write, but the condition keeps the claim safe on any isolation.
        return (updated == 1) ? next : Optional.empty();
    }

    /**
     * Store the transcript of a job the worker owns and mark the job completed.
     * @param job the job, as claimed
     * @param transcript its transcript
     * @throws IllegalStateException when the job is no longer running for this worker
     */
    @DbRetry
    @Transactional
    public void complete(ClaimedJob job, Transcript transcript) {
        requireRunning(job);
        this.jdbc
                .sql("INSERT INTO transcripts (job_id, text, word_count) VALUES (?, ?, ?)")
                .params(job.id(), transcript.text(), transcript.wordCount())
                .update();
        finish(job, JobStatus.COMPLETED, null);
    }

    /**
     * Mark a job the worker owns failed.
     * @param job the job, as claimed
     * @param error why it failed
     * @throws IllegalStateException when the job is no longer running for this worker
     */
    @DbRetry
    @Transactional
    public void fail(ClaimedJob job, String error) {
        requireRunning(job);
        finish(job, JobStatus.FAILED, error);
    }

    /**
     * Put jobs left running by an earlier run of the application, which stopped before it finished them,
     * back in the queue. Only while no worker of this application runs: each SQLite file has one owner.
     * @return how many jobs were put back
     */
    @DbRetry
    public int requeueAbandoned() {
        return this.jdbc
                .sql("UPDATE jobs SET status = 'queued', worker = NULL, updated_at = " + NOW
                        + " WHERE status = 'running'")
                .update();
    }

    /** Reads before it writes, so a job finished or requeued meanwhile is never overwritten. */
    private void requireRunning(ClaimedJob job) {
        Optional<String> owner = this.jdbc
                .sql("SELECT worker FROM jobs WHERE id = ? AND status = 'running'")
                .param(job.id())
                .query(String.class)
                .optional();
        if (!owner.equals(Optional.of(job.worker()))) {
            throw new IllegalStateException("Job " + job.id() + " is no longer running for " + job.worker());
        }
    }

    private void finish(ClaimedJob job, JobStatus status, String error) {
        this.jdbc
                .sql("UPDATE jobs SET status = ?, error = ?, updated_at = " + NOW + " WHERE id = ?")
                .params(status.value(), error, job.id())
                .update();
    }

    private static Job job(ResultSet row, int rowNum) throws SQLException {
        String text = row.getString("text");
        return new Job(
                row.getLong("id"),
                row.getString("episode_url"),
                JobStatus.of(row.getString("status")),
                row.getInt("attempts"),
                row.getString("worker"),
                row.getString("error"),
                Instant.parse(row.getString("created_at")),
                Instant.parse(row.getString("updated_at")),
                (text != null) ? new Transcript(text, row.getInt("word_count")) : null);
    }

    /**
     * The ids of jobs queued together.
     *
     * @param firstId the first job's id
     * @param lastId the last job's id
     */
    public record JobIdRange(long firstId, long lastId) {}
}
