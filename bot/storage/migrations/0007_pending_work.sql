-- Costs that stay flat as history grows: what is still to do after a close (comment text to
-- erase when it expires, answering screens in DMs to empty, a summary to post) is flagged
-- on the check-in and found through a partial index holding only the flagged ones, so no
-- scheduler pass reads the closed history. Members are found by their id alone.
ALTER TABLE checkins ADD COLUMN holds_comments INTEGER NOT NULL DEFAULT 0
    CHECK (holds_comments IN (0, 1));
ALTER TABLE checkins ADD COLUMN screens_pending INTEGER NOT NULL DEFAULT 0
    CHECK (screens_pending IN (0, 1));

UPDATE checkins SET holds_comments = 1
WHERE status = 'closed'
  AND EXISTS (SELECT 1 FROM answers AS a WHERE a.checkin_id = checkins.id AND a.comment IS NOT NULL);

UPDATE checkins SET screens_pending = 1
WHERE status = 'closed'
  AND (EXISTS (SELECT 1 FROM dm_messages AS m WHERE m.checkin_id = checkins.id)
       OR EXISTS (SELECT 1 FROM responses AS r
                  WHERE r.checkin_id = checkins.id AND r.reminder_messages != '[]'));

CREATE INDEX checkins_holding_comments ON checkins (closed_at)
    WHERE status = 'closed' AND holds_comments = 1;
CREATE INDEX checkins_with_screens ON checkins (id)
    WHERE status = 'closed' AND screens_pending = 1;
CREATE INDEX checkins_summary_due ON checkins (id)
    WHERE status = 'closed' AND summary_due = 1;
-- An invitation still pending when its check-in closed is never sent: it is marked failed
-- at the close, so the pending ones (a partial index) are only those of open check-ins.
UPDATE invitations SET delivery = 'failed'
WHERE delivery = 'pending' AND checkin_id IN (SELECT id FROM checkins WHERE status = 'closed');

CREATE INDEX participants_by_user ON participants (user_id);
CREATE INDEX invitations_pending ON invitations (checkin_id, next_attempt_at)
    WHERE delivery = 'pending';
CREATE INDEX scheduled_checkins_unannounced ON scheduled_checkins (opens_at, project_id)
    WHERE state = 'missed' AND announced = 0;
