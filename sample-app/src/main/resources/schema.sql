-- Run at every start (spring.sql.init.mode=always), so every statement must be idempotent.
-- Times: *_at columns are ISO-8601 UTC text with milliseconds (fixed width, so text order is time order);
-- lease_expires_at is epoch milliseconds, compared as a number. The application computes every time and binds
-- it, so no statement depends on SQLite's date functions and the same SQL runs on PostgreSQL.
-- A data file made before leases existed lacks lease_expires_at: delete it (CREATE TABLE IF NOT EXISTS
-- does not add columns to an existing table).

CREATE TABLE IF NOT EXISTS jobs (
    id          INTEGER PRIMARY KEY,
    episode_url TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    worker      TEXT,
    error       TEXT,
    -- While running: until when the worker owns it; then the reaper puts it back in the queue. NULL otherwise.
    lease_expires_at INTEGER,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- Workers look for the oldest queued job and the counts endpoint groups by status: both read this index only.
CREATE INDEX IF NOT EXISTS jobs_status_id ON jobs (status, id);

CREATE TABLE IF NOT EXISTS transcripts (
    job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
    text       TEXT    NOT NULL,
    word_count INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);

-- Written by the workers through the starter's write buffer: latest report per job, in short batches.
CREATE TABLE IF NOT EXISTS job_progress (
    job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
    percent    INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    worker     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
