-- A reminder goes only to those who have not finished, so a row naming who got one would
-- tell them apart. The reminder messages (to be emptied at the close, like the invitation)
-- are kept in the member's keyed response row instead.
ALTER TABLE responses ADD COLUMN reminder_messages TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(reminder_messages));

CREATE INDEX responses_with_reminder_messages ON responses (checkin_id)
    WHERE reminder_messages != '[]';
