-- What each committed change touched, as surrogate keys (publish/edge/
-- keys.ts): `all`, `article/{id}`, `source/{id}`, `category/{slug}`,
-- `tag/{slug}`. Triggers write them in the transaction of the change, so
-- that every writer (the server's ingest, a CLI ingest or `articles add` in
-- another process, an admin change) is seen, and a crash between the commit
-- and what follows loses nothing. The writer's change loop
-- (publish/push/changes.ts) reads them to tell the WebSub hub which feeds moved
-- and to purge the cache in front, and deletes a row once both are done.
--
-- A row per key, so that a thousand changes to one feed make one purge and
-- one delivery. `changes` moves with every change to the key; `announced`
-- is the count last told to the hub, so a change is announced once however
-- often its purge is retried; and a row is deleted only if `changes` is
-- what was read before the purge was sent (a change landing meanwhile keeps
-- it). Keys are stored with the raw slug; the loop encodes them.
CREATE TABLE changed_keys (
  key       TEXT PRIMARY KEY,
  changes   INTEGER NOT NULL DEFAULT 1,
  announced INTEGER NOT NULL DEFAULT 0,
  attempts  INTEGER NOT NULL DEFAULT 0,
  due_at    INTEGER NOT NULL DEFAULT 0,
  queued_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Every article change: the lists of everything (all), its source, and the
-- answers that show it (its article key).
CREATE TRIGGER changed_keys_article_insert AFTER INSERT ON articles
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || new.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_article_update AFTER UPDATE ON articles
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || new.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_article_delete AFTER DELETE ON articles
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || old.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || old.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

-- An article joining or leaving a category or tag changes that feed (a
-- reclassified article leaves one and joins another).
CREATE TRIGGER changed_keys_article_category_insert AFTER INSERT ON article_categories
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('category/' || new.category_slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_article_category_delete AFTER DELETE ON article_categories
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('category/' || old.category_slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_article_tag_insert AFTER INSERT ON article_tags
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('tag/' || new.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_article_tag_delete AFTER DELETE ON article_tags
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('tag/' || old.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

-- An article's related list is printed in every answer that shows it: when
-- relate links a follow-up to an older story, the older story's answers go.
-- Relate rewrites a list a row at a time, so its writes queue the key once
-- per list (queueChangedKey, from store/articles/related.ts) rather than here,
-- as 010 did for the content version; a list written with its article is
-- covered by the article's own trigger. Deletes (an article's URL moving
-- takes it out of other lists) are rare and kept here.
CREATE TRIGGER changed_keys_related_delete AFTER DELETE ON related
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('article/' || old.article_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_related_edit AFTER INSERT ON related_edits
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('article/' || new.article_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_related_unedit AFTER DELETE ON related_edits
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('article/' || old.article_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

-- A source's name and site are printed in its feeds, in the lists of
-- everything and on each of its articles. Rare, so each article is named.
-- Its feed URL is never shown to the public (a permanent redirect moves it
-- at ingest), so a change to it purges nothing.
CREATE TRIGGER changed_keys_source_update AFTER UPDATE OF name, site_url ON sources
WHEN old.name IS NOT new.name OR old.site_url IS NOT new.site_url
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)), ('source/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
  INSERT INTO changed_keys (key, queued_at)
  SELECT 'article/' || id, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM articles WHERE source_id = new.id AND true
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_source_insert AFTER INSERT ON sources
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)), ('source/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_source_delete AFTER DELETE ON sources
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)), ('source/' || old.id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

-- A category's label is printed in its feed, its items and the directory.
CREATE TRIGGER changed_keys_category_insert AFTER INSERT ON categories
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)), ('category/' || new.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER changed_keys_category_update AFTER UPDATE OF label ON categories
WHEN old.label IS NOT new.label
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)), ('category/' || new.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
