-- ShedLock's documented table, in SQLite's types: sqlite-jdbc stores the times ShedLock binds
-- (java.sql.Timestamp) as epoch milliseconds, so they compare as integers.
CREATE TABLE IF NOT EXISTS shedlock (
    name TEXT NOT NULL PRIMARY KEY,
    lock_until INTEGER NOT NULL,
    locked_at INTEGER NOT NULL,
    locked_by TEXT NOT NULL
);

-- What the locked task does: it reads its run count and writes it one higher, which is only right while
-- one holder at a time runs it.
CREATE TABLE IF NOT EXISTS report_runs (
    name TEXT NOT NULL PRIMARY KEY,
    runs INTEGER NOT NULL
);
