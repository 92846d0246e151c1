-- What kind of failure a source's last error was (a fetch error's kind, like
-- 'timeout' or 'http', or 'parse', 'entries', 'internal'): public pages show
-- the kind and the HTTP status, never last_error's text, which names the
-- upstream URL (and whatever key its query carries). NULL: no error.
ALTER TABLE sources ADD COLUMN last_error_kind TEXT;
