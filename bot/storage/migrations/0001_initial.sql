-- The first schema. Conventions:
--   * datetimes are ISO-8601 UTC text ("2025-03-01T09:00:00.000000+00:00"), dates "YYYY-MM-DD";
--   * booleans are 0/1;
--   * answers and responses are keyed by an HMAC of check-in and user ("respondent"), never a
--     user id, and carry no timestamps or rowids, so the file alone links no answer to a person.

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    facilitator_role_id INTEGER,
    scores_threshold    INTEGER NOT NULL CHECK (scores_threshold >= 3),
    comments_threshold  INTEGER NOT NULL CHECK (comments_threshold >= scores_threshold)
);

-- AUTOINCREMENT so an id is never reused: ids travel in custom_ids of old DM buttons, and a
-- reused check-in id would also reuse its respondent keys.
CREATE TABLE projects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    channel_id      INTEGER NOT NULL,
    starts_on       TEXT    NOT NULL,
    ends_on         TEXT    NOT NULL,
    framework_id    TEXT    NOT NULL,
    timezone        TEXT    NOT NULL,
    checkin_time    TEXT    NOT NULL CHECK (checkin_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    window_days     INTEGER NOT NULL CHECK (window_days >= 1),
    card_message_id INTEGER,
    created_at      TEXT    NOT NULL,
    UNIQUE (guild_id, name_key)
);

CREATE TABLE participants (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    names      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(names)),
    PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;

CREATE TABLE checkins (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase              TEXT    NOT NULL CHECK (phase IN ('beginning', 'middle', 'end', 'extra')),
    framework_id       TEXT    NOT NULL,
    opened_at          TEXT    NOT NULL,
    closes_at          TEXT    NOT NULL,
    closed_at          TEXT,
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    scores_threshold   INTEGER NOT NULL CHECK (scores_threshold >= 3),
    comments_threshold INTEGER NOT NULL CHECK (comments_threshold >= scores_threshold),
    summary_message_id INTEGER,
    reminded_at        TEXT,  -- the last reminder a facilitator asked for
    CHECK ((status = 'open') = (closed_at IS NULL))
);

CREATE INDEX checkins_by_project ON checkins (project_id, opened_at);
-- A project has at most one open check-in.
CREATE UNIQUE INDEX checkins_one_open_per_project ON checkins (project_id) WHERE status = 'open';

-- Who was invited and how far they got; holds user ids, never answers.
CREATE TABLE invitations (
    checkin_id    INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    delivery      TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (delivery IN ('pending', 'delivered', 'failed')),
    finished      INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
    declined      INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1)),
    dm_channel_id INTEGER,
    dm_message_id INTEGER,
    PRIMARY KEY (checkin_id, user_id)
) WITHOUT ROWID;

CREATE INDEX invitations_by_user ON invitations (user_id);

-- One row per respondent who has answered anything. WITHOUT ROWID: rows sit in key order,
-- so storage order says nothing about who answered first.
CREATE TABLE responses (
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    respondent TEXT    NOT NULL CHECK (length(respondent) = 64),
    submitted  INTEGER NOT NULL DEFAULT 0 CHECK (submitted IN (0, 1)),
    PRIMARY KEY (checkin_id, respondent)
) WITHOUT ROWID;

CREATE TABLE answers (
    checkin_id INTEGER NOT NULL,
    respondent TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    rating     INTEGER,
    skipped    INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    choice     TEXT    CHECK (choice IN ('yes', 'no', 'unsure')),
    comment    TEXT    CHECK (length(comment) <= 1000),
    PRIMARY KEY (checkin_id, respondent, item),
    FOREIGN KEY (checkin_id, respondent)
        REFERENCES responses (checkin_id, respondent) ON DELETE CASCADE,
    CHECK (NOT (skipped = 1 AND (rating IS NOT NULL OR choice IS NOT NULL)))
) WITHOUT ROWID;
