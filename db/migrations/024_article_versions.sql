-- An article's earlier versions (issue 21: "a correction carries what
-- changed and when"). A row is written when an article's title, summary or
-- body (content_html) changes while it is published, by a trigger, so that
-- every writer (ingest of a changed upstream entry, the admin API's PUT,
-- `articles add --force` in another process) keeps its history in the
-- transaction of the change. The article row itself stays the current
-- version; a row here is the version it replaced.
--
-- version:      1 for the text first stored, counting up; the current text
--               is max(version) + 1 (1 when there is no row).
-- content_html: NULL when the correction left the body as it was: then it
--               is the next version's (and so on up to the article's own).
--               Bodies can be 900 KB; a headline fixed ten times must not
--               keep ten copies of one.
-- created_at:   when this version became current: the correction before it,
--               or the article's publication.
-- replaced_at:  when the correction replaced it: the article's updated time
--               as that correction stored it (what feeds show as updated).
--               Times are ms since the epoch, UTC, like the article's.
-- changed:      what that correction changed, in this order, space-separated:
--               "title", "summary", "body".
--
-- Bounded: the last 10 versions of an article are kept, older ones are
-- deleted by the same trigger. A news story is corrected a handful of times;
-- one that changes at every fetch (a live page) would otherwise grow without
-- end, and partners act on the latest corrections, not the tenth-oldest.
-- A rowid table, not WITHOUT ROWID: its rows can be far bigger than a page.
CREATE TABLE article_versions (
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL,
  title        TEXT NOT NULL,
  summary      TEXT NOT NULL,
  content_html TEXT,
  created_at   INTEGER NOT NULL,
  replaced_at  INTEGER NOT NULL,
  changed      TEXT NOT NULL,
  PRIMARY KEY (article_id, version)
);
-- Partners' feeds ask which items of a page were corrected lately: by
-- article, through the primary key (at most ten rows each), so no other index.

CREATE TRIGGER article_versions_keep AFTER UPDATE OF title, summary, content_html ON articles
WHEN old.withdrawn_at IS NULL AND new.withdrawn_at IS NULL
  -- Changed while still under embargo (023): it was never out, so this is a draft's edit, not a correction.
  AND old.published_at <= CAST(unixepoch('subsec') * 1000 AS INTEGER)
  AND (old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.content_html IS NOT new.content_html)
BEGIN
  INSERT INTO article_versions (article_id, version, title, summary, content_html, created_at, replaced_at, changed)
  SELECT old.id,
         coalesce(last.version, 0) + 1,
         old.title,
         old.summary,
         CASE WHEN old.content_html IS NOT new.content_html THEN old.content_html END,
         coalesce(last.replaced_at, old.published_at),
         new.updated_at,
         trim(CASE WHEN old.title IS NOT new.title THEN 'title ' ELSE '' END
           || CASE WHEN old.summary IS NOT new.summary THEN 'summary ' ELSE '' END
           || CASE WHEN old.content_html IS NOT new.content_html THEN 'body' ELSE '' END)
  FROM (SELECT 1) LEFT JOIN (
    SELECT version, replaced_at FROM article_versions WHERE article_id = old.id ORDER BY version DESC LIMIT 1
  ) AS last;
  DELETE FROM article_versions WHERE article_id = old.id
    AND version <= (SELECT max(version) FROM article_versions WHERE article_id = old.id) - 10;
END;

-- A withdrawn article's history goes with it: nothing publishes it any more,
-- and a story withdrawn on legal advice should not live on in its old texts.
CREATE TRIGGER article_versions_withdrawn AFTER UPDATE OF withdrawn_at ON articles
WHEN old.withdrawn_at IS NULL AND new.withdrawn_at IS NOT NULL
BEGIN
  DELETE FROM article_versions WHERE article_id = old.id;
END;
