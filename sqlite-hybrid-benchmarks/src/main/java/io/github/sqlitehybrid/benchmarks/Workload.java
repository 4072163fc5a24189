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
        int run(JdbcTemplate jdbc, int worker, int seq) {
            jdbc.update("INSERT INTO events (worker, seq, payload) VALUES (?, ?, ?)", worker, seq, "event " + seq);
            return 0;
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
        int run(JdbcTemplate jdbc, int worker, int seq) {
            // On SQLite the write lock excludes every other claim (or fails it with SQLITE_BUSY), so the UPDATE
            // always finds its job queued. On PostgreSQL (READ COMMITTED, row locks) another worker may take
            // the job between the SELECT and the UPDATE; the UPDATE then matches no row and, as the sample's
            // JobRepository.claimNext does, the next queued job is tried: each lost race is another worker's
            // claim, and the next SELECT sees it.
            for (int race = 0; race < MAX_CLAIM_RACES; race++) {
                Integer id = jdbc.queryForObject(
                        "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1", Integer.class);
                int updated = jdbc.update(
                        "UPDATE jobs SET status = 'claimed', worker = ? WHERE id = ? AND status = 'queued'",
                        worker,
                        id);
                if (updated == 1) {
                    return race;
                }
            }
            throw new IllegalStateException("no job claimed after " + MAX_CLAIM_RACES + " lost races");
        }

        @Override
        long rowsWritten(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE status = 'claimed'", Long.class);
        }
    },

    /**
     * 80% read-only transactions (count the queued jobs, read the newest claim) and 20% claims, as a service
     * whose web requests mostly read while its workers claim. Reads and writes are measured apart.
     */
    MIXED("mixed: 80% read-only, 20% claims") {
        @Override
        void createSchema(JdbcTemplate jdbc, int operations) {
            CLAIM.createSchema(jdbc, operations);
        }

        @Override
        boolean isRead(int seq) {
            return seq % 5 != 4;
        }

        @Override
        void read(JdbcTemplate jdbc) {
            jdbc.queryForObject("SELECT count(*) FROM jobs WHERE status = 'queued'", Long.class);
            jdbc.queryForList("SELECT id, worker FROM jobs WHERE status = 'claimed' ORDER BY id DESC LIMIT 1");
        }

        @Override
        int run(JdbcTemplate jdbc, int worker, int seq) {
            return CLAIM.run(jdbc, worker, seq);
        }

        @Override
        long rowsWritten(JdbcTemplate jdbc) {
            return CLAIM.rowsWritten(jdbc);
        }
    };

    /** More lost races than one claim can meet when every other worker wins each round. */
    private static final int MAX_CLAIM_RACES = 1000;

    private final String title;

    Workload(String title) {
        this.title = title;
    }

    String title() {
        return this.title;
    }

    /** The name of each operation's transaction, as {@code @Transactional} would give it. */
    String transactionName() {
        return (this == INSERT) ? "EventService.record" : "JobService.claim";
    }

    abstract void createSchema(JdbcTemplate jdbc, int operations);

    /** Whether operation {@code seq} is a read-only transaction ({@link #read}) rather than a write ({@link #run}). */
    boolean isRead(int seq) {
        return false;
    }

    /** One read-only operation, inside the caller's read-only transaction. */
    void read(JdbcTemplate jdbc) {
        throw new UnsupportedOperationException(this + " has no reads");
    }

    /**
     * One operation, inside the caller's transaction.
     * @return how many times another worker took the row first and the operation moved on (claims only)
     */
    abstract int run(JdbcTemplate jdbc, int worker, int seq);

    abstract long rowsWritten(JdbcTemplate jdbc);
}
