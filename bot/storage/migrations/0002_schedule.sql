-- The scheduler (DESIGN.md §6): planned check-ins, reminder limits, paced delivery.

-- Where notices for facilitators go (e.g. check-ins missed while the bot was down);
-- NULL means the project's own channel.
ALTER TABLE guild_settings ADD COLUMN facilitator_channel_id INTEGER;

-- A project's beginning, middle and end check-ins, planned when it is created or edited.
-- 'opened' ones point at the check-in they became; 'missed' ones passed while the bot was
-- down (announced once the facilitators were told).
CREATE TABLE scheduled_checkins (
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    phase      TEXT    NOT NULL CHECK (phase IN ('beginning', 'middle', 'end')),
    opens_at   TEXT    NOT NULL,
    closes_at  TEXT    NOT NULL CHECK (closes_at > opens_at),
    state      TEXT    NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'opened', 'missed')),
    checkin_id INTEGER REFERENCES checkins (id) ON DELETE SET NULL,
    announced  INTEGER NOT NULL DEFAULT 1 CHECK (announced IN (0, 1)),
    PRIMARY KEY (project_id, phase)
) WITHOUT ROWID;

CREATE INDEX scheduled_checkins_due ON scheduled_checkins (opens_at) WHERE state = 'planned';

-- Automatic reminder rounds done, and whether the summary still has to be posted (set in
-- the same write that closes the check-in, so a restart in between loses nothing).
ALTER TABLE checkins ADD COLUMN reminder_rounds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkins ADD COLUMN summary_due INTEGER NOT NULL DEFAULT 0 CHECK (summary_due IN (0, 1));
-- A summary whose posting failed is tried again later (not before summary_retry_at).
ALTER TABLE checkins ADD COLUMN summary_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkins ADD COLUMN summary_retry_at TEXT;

-- Per invitation: DM attempts, and reminders sent (at most two, whoever asked for them).
ALTER TABLE invitations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN next_attempt_at TEXT;  -- after a failure on Discord's side
ALTER TABLE invitations ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0 CHECK (reminders BETWEEN 0 AND 2);
ALTER TABLE invitations ADD COLUMN last_reminded_at TEXT;

-- A member's DM channel with the bot, so a DM costs one request instead of two.
CREATE TABLE dm_channels (
    user_id    INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL
) WITHOUT ROWID;
