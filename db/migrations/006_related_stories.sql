-- Related stories computed at ingest (kind 'computed', with their score) and
-- same-story clusters (kind 'same-story'; articles.story_id names the
-- cluster's first article, the one feeds show). The related table is rebuilt
-- so that each kind keeps its own positions: an ingest that rewrites an
-- article's explicit links leaves its computed ones alone.
CREATE TABLE related_next (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('explicit', 'same-story', 'computed')),
  position   INTEGER NOT NULL,
  url        TEXT NOT NULL,
  title      TEXT,
  score      REAL,
  PRIMARY KEY (article_id, kind, position)
);
INSERT INTO related_next (article_id, kind, position, url, title)
  SELECT article_id, kind, position, url, title FROM related;
DROP TABLE related;
ALTER TABLE related_next RENAME TO related;
CREATE INDEX related_by_url ON related (url);

-- Ids grow with first_seen_at: this index turns "stored since T" into an id
-- bound that the full-text index can seek to.
CREATE INDEX articles_by_first_seen ON articles (first_seen_at);

-- NULL: the article stands alone or is the first of its story.
ALTER TABLE articles ADD COLUMN story_id INTEGER;
CREATE INDEX articles_by_story ON articles (story_id) WHERE story_id IS NOT NULL;

CREATE TRIGGER content_version_related_insert AFTER INSERT ON related
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_related_delete AFTER DELETE ON related
BEGIN UPDATE content_version SET version = version + 1; END;
