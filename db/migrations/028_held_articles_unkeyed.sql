-- A change to an article under embargo (023) moves no public answer: the
-- article is in none until its lift. 018's triggers queued its keys all the
-- same, so the cache in front was purged (a reader watching `Age` saw the
-- feeds of its category, source and tags start again from 0) and the hub
-- was told those feeds moved: enough to tell an outsider that a story was
-- being held there, and when. From here, a change whose article is held
-- before and after it queues nothing; its lift queues every key it needs
-- (store/changed-keys.ts queueEmbargoLifts), and an embargo ended early is
-- a change to a published article, seen as any other.
--
-- Held: published_at later than the database clock (ms). The rows of
-- article_categories and article_tags carry the article's published_at.
-- A deleted article is keyed as before unless it was held: deletes are rare
-- and never happen to a public article's lists without its row.

DROP TRIGGER changed_keys_article_insert;
CREATE TRIGGER changed_keys_article_insert AFTER INSERT ON articles
WHEN new.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || new.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

-- Held before and after (an edit, an embargo moved, a kill while held): nothing public moved.
DROP TRIGGER changed_keys_article_update;
CREATE TRIGGER changed_keys_article_update AFTER UPDATE ON articles
WHEN NOT (old.published_at > CAST(unixepoch('subsec') * 1000 AS INTEGER)
          AND new.published_at > CAST(unixepoch('subsec') * 1000 AS INTEGER))
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || new.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || new.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER changed_keys_article_delete;
CREATE TRIGGER changed_keys_article_delete AFTER DELETE ON articles
WHEN old.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at)
  VALUES ('all', CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('article/' || old.id, CAST(unixepoch('subsec') * 1000 AS INTEGER)),
         ('source/' || old.source_id, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER changed_keys_article_category_insert;
CREATE TRIGGER changed_keys_article_category_insert AFTER INSERT ON article_categories
WHEN new.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('category/' || new.category_slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER changed_keys_article_category_delete;
CREATE TRIGGER changed_keys_article_category_delete AFTER DELETE ON article_categories
WHEN old.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('category/' || old.category_slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER changed_keys_article_tag_insert;
CREATE TRIGGER changed_keys_article_tag_insert AFTER INSERT ON article_tags
WHEN new.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('tag/' || new.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;

DROP TRIGGER changed_keys_article_tag_delete;
CREATE TRIGGER changed_keys_article_tag_delete AFTER DELETE ON article_tags
WHEN old.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
BEGIN
  INSERT INTO changed_keys (key, queued_at) VALUES ('tag/' || old.slug, CAST(unixepoch('subsec') * 1000 AS INTEGER))
  ON CONFLICT (key) DO UPDATE SET changes = changes + 1;
END;
