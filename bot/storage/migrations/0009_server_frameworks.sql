-- Frameworks a server made its own (/framework copy, edit, import): each a draft, shaped like
-- a shipped framework file, as JSON. Its id never equals a shipped framework's id, so a
-- project's framework_id names one framework: the shipped one, else its own server's. Erased
-- with the server's data.
CREATE TABLE server_frameworks (
    guild_id     INTEGER NOT NULL,
    framework_id TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (guild_id, framework_id)
) WITHOUT ROWID;
