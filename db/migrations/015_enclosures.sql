-- An article's media files other than its image (a podcast episode, a clip):
-- a JSON array of {url, type, length?, title?, durationSeconds?}, in the
-- upstream's order, at most ten (ingest/clean/enclosures.ts). Like
-- upstream_categories, a list read and written only with its article.
ALTER TABLE articles ADD COLUMN enclosures TEXT NOT NULL DEFAULT '[]';
