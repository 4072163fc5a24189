package io.github.sqlitehybrid.sample;

import io.github.sqlitehybrid.retry.DbRetry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
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
 * <p>A running job is leased: its worker owns it until {@code lease_expires_at} (epoch milliseconds), which
 * the worker renews while it works and the reaper ({@link #requeueExpiredLeases()}) enforces, so several
 * processes can share one file and a dead one's jobs come back. Times are computed in Java and bound as
 * parameters, and ids come from {@code INSERT ... RETURNING}: the statements run unchanged on PostgreSQL.
 *
 * <p>Not final: the retry and transaction advice apply through a subclass proxy.
 */
@Repository
public class JobRepository {

    /** The form {@code created_at} and {@code updated_at} are stored in: ISO-8601 UTC, always milliseconds. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final String INSERT_QUEUED =
            "INSERT INTO jobs (episode_url, status, created_at, updated_at) VALUES (?, 'queued', ?, ?) RETURNING id";

    /** How many jobs one claim tries when other workers keep claiming them first (PostgreSQL only). */
    private static final int MAX_CLAIM_RACES = 8;

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
        String now = timestamp(Instant.now());
        return this.jdbc
                .sql(INSERT_QUEUED)
                .params(episodeUrl, now, now)
                .query(Long.class)
                .single();
    }

    /**
     * Queue many jobs in one transaction: all of them or, on failure, none. Each row's id comes back from its
     * own {@code INSERT ... RETURNING}, one prepared statement for all of them.
     * @param urlPrefix the episodes' URLs are this prefix followed by 1, 2, ... {@code count}
     * @param count how many jobs
     * @return the ids the new jobs were given
     */
    @DbRetry
    @Transactional
    public JobIdRange enqueueBatch(String urlPrefix, int count) {
        String now = timestamp(Instant.now());
        return this.jdbcTemplate.execute(INSERT_QUEUED, (PreparedStatement statement) -> {
            long firstId = 0;
            long lastId = 0;
            statement.setString(2, now);
            statement.setString(3, now);
            for (int i = 1; i <= count; i++) {
                statement.setString(1, urlPrefix + i);
                try (ResultSet key = statement.executeQuery()) {
                    key.next();
                    lastId = key.getLong(1);
                }
                if (i == 1) {
                    firstId = lastId;
                }
            }
            return new JobIdRange(firstId, lastId);
        });
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
     * Move the oldest queued job to running, owned by the given worker until {@code leaseDuration} from now.
     *
     * <p>It reads, then writes, as most code does. With the starter's single writer (the default) the
     * transaction waits for the write turn and begins with {@code BEGIN IMMEDIATE}, so no other worker of this
     * process can claim the same job meanwhile. Another process on the same file has no share in the write
     * turn: its claim waits for SQLite's lock (busy timeout) or fails with {@code SQLITE_BUSY_SNAPSHOT}, and
     * {@code @DbRetry} runs the whole transaction again. The {@code status = 'queued'} condition of the
     * UPDATE keeps the claim safe on any isolation level.
     * @param worker the claiming worker's name, unique across processes
     * @param leaseDuration how long the claim holds unless renewed; then the reaper puts the job back
     * @return the claimed job, or empty when none is queued
     */
    @DbRetry
    @Transactional
    public Optional<ClaimedJob> claimNext(String worker, Duration leaseDuration) {
        // On SQLite the write transaction excludes every other claim, so the first try wins. On PostgreSQL
        // (READ COMMITTED, row locks) another worker may claim the job between this SELECT and the UPDATE; the
        // UPDATE then matches no row and the next queued job is tried: each lost race means another worker won.
        for (int race = 0; race < MAX_CLAIM_RACES; race++) {
            Optional<ClaimedJob> next = this.jdbc
                    .sql("SELECT id, episode_url FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1")
                    .query((row, rowNum) -> new ClaimedJob(row.getLong(1), row.getString(2), worker))
                    .optional();
            if (next.isEmpty()) {
                return next;
            }
            Instant now = Instant.now();
            int updated = this.jdbc
                    .sql("""
                            UPDATE jobs SET status = 'running', worker = ?, attempts = attempts + 1, lease_expires_at = ?,
                                            updated_at = ?
                            WHERE id = ? AND status = 'queued'""")
                    .params(
                            worker,
                            now.plus(leaseDuration).toEpochMilli(),
                            timestamp(now),
                            next.get().id())
                    .update();
            if (updated == 1) {
                return next;
            }
        }
        return Optional.empty();
    }

    /**
     * Extend the lease of a job the worker still owns.
     * @param job the job, as claimed
     * @param leaseDuration the new lease runs this long from now
     * @return whether the worker still owned the job; {@code false} when the reaper took it back meanwhile
     */
    @DbRetry
    public boolean renewLease(ClaimedJob job, Duration leaseDuration) {
        return this.jdbc
                        .sql("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND status = 'running' AND worker = ?")
                        .params(Instant.now().plus(leaseDuration).toEpochMilli(), job.id(), job.worker())
                        .update()
                == 1;
    }

    /**
     * Put a job the worker owns but will not finish back in the queue at once, without waiting for its
     * lease to expire.
     * @param job the job, as claimed
     * @return whether the worker still owned the job
     */
    @DbRetry
    public boolean release(ClaimedJob job) {
        return this.jdbc
                        .sql("""
                                UPDATE jobs SET status = 'queued', worker = NULL, lease_expires_at = NULL, updated_at = ?
                                WHERE id = ? AND status = 'running' AND worker = ?""")
                        .params(timestamp(Instant.now()), job.id(), job.worker())
                        .update()
                == 1;
    }

    /**
     * Put every running job whose lease has expired back in the queue: its worker died with its process, or
     * could neither finish it nor renew the lease in time. A running job without a lease (written before
     * leases existed) counts as expired.
     * @return how many jobs were put back
     */
    @DbRetry
    public int requeueExpiredLeases() {
        Instant now = Instant.now();
        String requeue = """
                UPDATE jobs SET status = 'queued', worker = NULL, lease_expires_at = NULL, updated_at = ?
                WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?)""";
        return this.jdbc.sql(requeue).params(timestamp(now), now.toEpochMilli()).update();
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
        Instant now = Instant.now();
        this.jdbc
                .sql("INSERT INTO transcripts (job_id, text, word_count, created_at) VALUES (?, ?, ?, ?)")
                .params(job.id(), transcript.text(), transcript.wordCount(), timestamp(now))
                .update();
        finish(job, JobStatus.COMPLETED, null, now);
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
        finish(job, JobStatus.FAILED, error, Instant.now());
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

    private void finish(ClaimedJob job, JobStatus status, String error, Instant now) {
        this.jdbc
                .sql("UPDATE jobs SET status = ?, error = ?, lease_expires_at = NULL, updated_at = ? WHERE id = ?")
                .params(status.value(), error, timestamp(now), job.id())
                .update();
    }

    /**
     * A time in the form the {@code *_at} text columns hold; fixed width, so that text order is time order.
     * @param instant the time
     * @return ISO-8601 UTC with milliseconds
     */
    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
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
