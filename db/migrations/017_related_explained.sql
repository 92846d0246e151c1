-- Why each related story is listed, and editors' say over it (issue 18).
--
-- related.kind gains 'follow-up': for an article, the later stories of its
-- thread (its earlier ones stay 'computed'), so that links point both ways.
-- related.evidence is a JSON object relate fills with what made the link
-- (similarity, shared entities and numbers, hours apart); it is published
-- as it is, and a value that is not a JSON object is read as none. SQLite
-- cannot change a CHECK in place, so the table is rebuilt, as 006 did, with
-- every row kept.
CREATE TABLE related_next (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('explicit', 'same-story', 'follow-up', 'computed')),
  position   INTEGER NOT NULL,
  url        TEXT NOT NULL,
  title      TEXT,
  score      REAL,
  evidence   TEXT,
  PRIMARY KEY (article_id, kind, position)
);
INSERT INTO related_next (article_id, kind, position, url, title, score)
  SELECT article_id, kind, position, url, title, score FROM related;
DROP TABLE related;
ALTER TABLE related_next RENAME TO related;
CREATE INDEX related_by_url ON related (url);

-- An editor's pin or removal of the relation between two of our articles,
-- applied when articles are read, so that it holds whatever relate computes
-- later (and relate asks isRelationRemoved before linking or joining
-- stories). An editor thinks of a relation, not a direction: the admin API
-- writes both rows of a pair.
CREATE TABLE related_edits (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  target_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  action     TEXT NOT NULL CHECK (action IN ('pin', 'remove')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, target_id),
  CHECK (article_id <> target_id)
);
-- For the cascade when a target row goes: without it each delete of an article scans the table.
CREATE INDEX related_edits_by_target ON related_edits (target_id);

-- Edits are few and each changes what feeds show: a trigger per row is cheap here.
CREATE TRIGGER content_version_related_edit_insert AFTER INSERT ON related_edits
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_version_related_edit_update AFTER UPDATE ON related_edits
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_version_related_edit_delete AFTER DELETE ON related_edits
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
