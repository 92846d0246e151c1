-- Embargoes: an article held back until a set time. Its published_at IS
-- that time (the embargo time is its publication), so every public read,
-- which asks for articles published at or before now, leaves it out until
-- then and shows it from then on, in its place in time, with no write at
-- the lift. embargo_until records that there was an embargo (NULL: none);
-- the writer's change loop reads it to purge caches and notify the hub when
-- the time comes (store/changed-keys.ts queueEmbargoLifts).
ALTER TABLE articles ADD COLUMN embargo_until INTEGER;
CREATE INDEX articles_by_embargo ON articles (embargo_until) WHERE embargo_until IS NOT NULL;

-- How far the change loop has announced lifts: embargoes up to this time
-- (ms) have had their feeds purged and pushed. Kept here so that a lift
-- that passed while nothing ran is announced at the next start.
CREATE TABLE embargo_lifts (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  announced_until INTEGER NOT NULL
);
INSERT INTO embargo_lifts (id, announced_until) VALUES (1, CAST(unixepoch('subsec') * 1000 AS INTEGER));

-- A partner allowed to receive embargoed articles before their time, marked
-- with it (its newsroom holds them until then).
ALTER TABLE partners ADD COLUMN embargoed INTEGER NOT NULL DEFAULT 0;

-- A source whose feed dates items in the future to say "not before": an
-- item dated ahead is held as embargoed until that date, rather than dated now.
ALTER TABLE sources ADD COLUMN embargo_aware INTEGER NOT NULL DEFAULT 0;
