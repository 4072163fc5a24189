CREATE TABLE IF NOT EXISTS customer (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL,
    since     TEXT    NOT NULL,
    last_seen TEXT,
    visits    INTEGER NOT NULL,
    version   INTEGER NOT NULL
);
