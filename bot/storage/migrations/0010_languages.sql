-- The group's own language (issue 14): the server's default for facilitators' replies and new
-- projects, a project's own (its card, summaries, reminders; NULL: the server's), and a
-- member's own choice for their DMs and answering on one server (no row: the project's).
-- A language is a code with a prompts file, e.g. 'en' or 'cy'. Never stored with an answer.
ALTER TABLE guild_settings ADD COLUMN language TEXT;
ALTER TABLE projects ADD COLUMN language TEXT;
CREATE TABLE member_languages (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    language TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
