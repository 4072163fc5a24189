-- Run at every start (spring.sql.init.mode=always), so every statement must be idempotent.
-- Times are ISO-8601 UTC text, the form SQLite's own date functions read and write.

CREATE TABLE IF NOT EXISTS jobs (
    id          INTEGER PRIMARY KEY,
    episode_url TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    worker      TEXT,
    error       TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Workers look for the oldest queued job and the counts endpoint groups by status: both read this index only.
CREATE INDEX IF NOT EXISTS jobs_status_id ON jobs (status, id);

CREATE TABLE IF NOT EXISTS transcripts (
    job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
    text       TEXT    NOT NULL,
    word_count INTEGER NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Written by the workers through the starter's write buffer: latest report per job, in short batches.
CREATE TABLE IF NOT EXISTS job_progress (
    job_id     INTEGER PRIMARY KEY REFERENCES jobs (id),
    percent    INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    worker     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
