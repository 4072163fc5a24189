package io.github.sqlitehybrid.benchmarks;

import org.springframework.jdbc.core.JdbcTemplate;

/** What each operation of a benchmark does, inside one transaction. */
enum Workload {

    /** One row inserted per transaction. */
    INSERT("single-row insert") {
        @Override
        void createSchema(JdbcTemplate jdbc, int operations) {
            jdbc.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL,"
                    + " seq INTEGER NOT NULL, payload TEXT NOT NULL, UNIQUE (worker, seq))");
        }

        @Override
        void run(JdbcTemplate jdbc, int worker, int seq) {
            jdbc.update("INSERT INTO events (worker, seq, payload) VALUES (?, ?, ?)", worker, seq, "event " + seq);
        }

        @Override
        long rowsWritten(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT count(*) FROM events", Long.class);
        }
    },

    /** SELECT the oldest queued job, UPDATE it to claimed: read, then write, in one transaction. */
    CLAIM("read-then-write claim") {
        @Override
        void createSchema(JdbcTemplate jdbc, int operations) {
            jdbc.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, worker INTEGER)");
            jdbc.execute("CREATE INDEX jobs_status ON jobs (status, id)");
            jdbc.update(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                            + " INSERT INTO jobs (id, status) SELECT i, 'queued' FROM n",
                    operations);
        }

        @Override
        void run(JdbcTemplate jdbc, int worker, int seq) {
            Integer id = jdbc.queryForObject(
                    "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", Integer.class);
            int updated = jdbc.update(
                    "UPDATE jobs SET status = 'claimed', worker = ? WHERE id = ? AND status = 'queued'", worker, id);
            if (updated != 1) {
                throw new IllegalStateException("job " + id + " claimed twice");
            }
        }

        @Override
        long rowsWritten(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE status = 'claimed'", Long.class);
        }
    };

    private final String title;

    Workload(String title) {
        this.title = title;
    }

    String title() {
        return this.title;
    }

    abstract void createSchema(JdbcTemplate jdbc, int operations);

    abstract void run(JdbcTemplate jdbc, int worker, int seq);

    abstract long rowsWritten(JdbcTemplate jdbc);
}
