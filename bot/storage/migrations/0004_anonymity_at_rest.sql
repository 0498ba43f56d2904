-- Anonymity at rest (DESIGN.md §5, §8): frozen results, nothing per person while answering.

-- What a check-in added up to, computed once in the transaction that closed it: the
-- summary's figures (JSON, only what the group may see), and the redacted, shuffled comments
-- until the summary is posted. Every later summary, trend, chart, report and export reads
-- these, so erasing someone's answers afterwards changes nothing that can be compared.
ALTER TABLE checkins ADD COLUMN results TEXT CHECK (results IS NULL OR json_valid(results));
ALTER TABLE checkins ADD COLUMN results_comments TEXT
    CHECK (results_comments IS NULL OR json_valid(results_comments));

-- Everything a member does while answering lands in their keyed response row: whether they
-- said "Not this time", and the reminders they had (so a reminder count names nobody).
ALTER TABLE responses ADD COLUMN declined INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1));
ALTER TABLE responses ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0
    CHECK (reminders BETWEEN 0 AND 2);
ALTER TABLE responses ADD COLUMN last_reminded_at TEXT;

-- Invitations keep only who was invited and how the DM went: no finished or declined flag,
-- no reminder count, no names. Rebuilt (nothing refers to this table, so nothing cascades).
CREATE TABLE invitations_new (
    checkin_id      INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    delivery        TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (delivery IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,  -- after a failure on Discord's side
    dm_channel_id   INTEGER,
    PRIMARY KEY (checkin_id, user_id)
) WITHOUT ROWID;

INSERT INTO invitations_new (checkin_id, user_id, delivery, attempts, next_attempt_at,
                             dm_channel_id)
SELECT checkin_id, user_id, delivery, attempts, next_attempt_at, dm_channel_id
FROM invitations;

-- The names to redact from a project's comments: everyone who took part or acted in it,
-- under every name they went by, with no user id beside them. Kept while the project's
-- comments may still be shown (after a member leaves or erases their data, too).
CREATE TABLE redaction_names (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    PRIMARY KEY (project_id, name)
) WITHOUT ROWID;

INSERT OR IGNORE INTO redaction_names (project_id, name)
SELECT c.project_id, n.value
FROM invitations AS i JOIN checkins AS c ON c.id = i.checkin_id, json_each(i.names) AS n;

INSERT OR IGNORE INTO redaction_names (project_id, name)
SELECT p.project_id, n.value FROM participants AS p, json_each(p.names) AS n;

-- The check-in messages in a member's DMs (the invitation and reminders, which become the
-- answering screens), so they can be emptied when the check-in closes or the member erases
-- their answers. Written when the bot sends them, never while the member answers.
CREATE TABLE dm_messages (
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (checkin_id, user_id, message_id)
) WITHOUT ROWID;

INSERT INTO dm_messages (checkin_id, user_id, channel_id, message_id)
SELECT checkin_id, user_id, dm_channel_id, dm_message_id FROM invitations
WHERE dm_channel_id IS NOT NULL AND dm_message_id IS NOT NULL;

DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
CREATE INDEX invitations_by_user ON invitations (user_id);
CREATE INDEX invitations_to_retry ON invitations (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
CREATE INDEX dm_messages_by_user ON dm_messages (user_id);

-- Facts about the database itself, e.g. the fingerprint of the secret that keys its answers.
CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
