-- The scheduler asks on every pass whether an open check-in's window has ended: this index of
-- the open check-ins by closing time answers it at once, however many are open (issue 12).
CREATE INDEX checkins_open_by_close ON checkins (closes_at) WHERE status = 'open';
