-- Privacy (DESIGN.md §5, §8): an audit log of facilitator actions, and comment retention.

-- Who did what as a facilitator, and when. Never answers: only the action, the project's
-- name at the time and a short description such as a phase or new thresholds.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    project    TEXT,
    detail     TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id);

-- The names an invitee went by when invited, so comments that name them are redacted even if
-- they leave the project before the check-in closes. Cleared by /mydata delete.
ALTER TABLE invitations ADD COLUMN names TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(names));
