-- The jobs table on SQLite (spring.sql.init.platform=sqlite). Boot runs this file first, then schema.sql.
-- Run at every start (spring.sql.init.mode=always), so every statement must be idempotent.
-- A data file made before leases existed lacks lease_expires_at: delete it (CREATE TABLE IF NOT EXISTS
-- does not add columns to an existing table).

CREATE TABLE IF NOT EXISTS jobs (
    -- Spelled exactly INTEGER PRIMARY KEY, the column is SQLite's rowid: each new row is given the next id.
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
