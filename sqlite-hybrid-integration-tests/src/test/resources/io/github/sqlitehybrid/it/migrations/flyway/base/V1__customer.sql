CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    total INTEGER NOT NULL DEFAULT 0
);

INSERT INTO customer (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger'), (4, 'Barbara'),
    (5, 'Donald'), (6, 'Frances'), (7, 'Leslie'), (8, 'Margaret');
