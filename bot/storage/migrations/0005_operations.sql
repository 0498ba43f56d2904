-- Running for real (DESIGN.md §8, §10): framework snapshots and leaving servers.

-- The framework a check-in was opened with (components, wording, scale) as JSON, so editing,
-- renaming or removing a framework file never rewrites its history. NULL for check-ins
-- opened by an older version: they read the framework by id, as before.
ALTER TABLE checkins ADD COLUMN framework_snapshot TEXT
    CHECK (framework_snapshot IS NULL OR json_valid(framework_snapshot));

-- Servers the bot was removed from: their data is erased after a grace period, unless the
-- bot is added back before then (the row is deleted).
CREATE TABLE guild_departures (
    guild_id    INTEGER PRIMARY KEY,
    left_at     TEXT NOT NULL,
    erase_after TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX guild_departures_due ON guild_departures (erase_after);
