-- An article the publisher withdrew through the admin API: kept as a row
-- (so that its id is never given to another article: SQLite may reuse the
-- highest rowid after a DELETE) but left out of every feed, search and
-- listing, and answered 410 Gone at /articles/{id}. NULL: published.
ALTER TABLE articles ADD COLUMN withdrawn_at INTEGER;
