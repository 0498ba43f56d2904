-- One scheduler per database (DESIGN.md §11): the process that holds this row's lease runs
-- the scheduler and renews it; another process on the same database waits until the lease
-- is released or has expired (its holder stopped without a word). One row at most.
CREATE TABLE scheduler_lease (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
