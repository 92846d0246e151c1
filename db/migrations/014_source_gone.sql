-- When the source's feed answered HTTP 410 Gone (RFC 9110 15.5.11: the
-- removal is deliberate and likely permanent). A gone source is not fetched
-- again until an operator changes it: a new URL, or enabled again through the
-- admin API. NULL: not gone.
ALTER TABLE sources ADD COLUMN gone_at INTEGER;
