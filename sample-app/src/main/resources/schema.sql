-- Run at every start (spring.sql.init.mode=always), so every statement must be idempotent.
-- Boot runs schema-${spring.sql.init.platform}.sql first (the jobs table, whose generated id is the one thing
-- SQLite and PostgreSQL spell differently), then this file, the same on both databases.
-- Times: *_at columns are ISO-8601 UTC text with milliseconds (fixed width, so text order is time order);
-- lease_expires_at is epoch milliseconds, compared as a number. The application computes every time and binds
-- it, so no statement depends on a database's date functions.

-- Workers look for the oldest queued job and the counts endpoint groups by status: both read this index only.
CREATE INDEX IF NOT EXISTS jobs_status_id ON jobs (status, id);

CREATE TABLE IF NOT EXISTS transcripts (
    job_id     BIGINT  PRIMARY KEY REFERENCES jobs (id),
    text       TEXT    NOT NULL,
    word_count INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);

-- Written by the workers through the starter's write buffer: latest report per job, in short batches.
CREATE TABLE IF NOT EXISTS job_progress (
    job_id     BIGINT  PRIMARY KEY REFERENCES jobs (id),
    percent    INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    worker     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
