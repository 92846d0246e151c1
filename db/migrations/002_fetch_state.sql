-- What polite fetching needs to remember per source: the validators for
-- conditional GET (RFC 9110 13.1), the last HTTP status, and the URL a
-- permanent redirect moved the feed to (the configured url stays as written).
ALTER TABLE sources ADD COLUMN etag TEXT;
ALTER TABLE sources ADD COLUMN last_modified TEXT;
ALTER TABLE sources ADD COLUMN http_status INTEGER;
ALTER TABLE sources ADD COLUMN fetch_url TEXT;
