-- Search indexes an article body's text, not its HTML: with the HTML, tag
-- and attribute names were words ("p" matched every article, "href" and
-- "https" every one with a link, "title" every one with a title attribute),
-- and the markup's tokens made indexing slower. Ingest writes the text
-- (ingest/body-text.ts) into body_text next to content_html; a SQL trigger
-- cannot strip tags, so the index reads the column. Articles stored before
-- this migration (body_text NULL) get their text when the database is
-- opened next (store/body-text.ts); until then their bodies are not searched.
ALTER TABLE articles ADD COLUMN body_text TEXT;
CREATE INDEX articles_body_text_pending ON articles (id) WHERE body_text IS NULL;

DROP TRIGGER article_search_insert;
DROP TRIGGER article_search_delete;
DROP TRIGGER article_search_update;
DROP TABLE article_search;

CREATE VIRTUAL TABLE article_search USING fts5(
  title, summary, body_text,
  content = 'articles', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
  INSERT INTO article_search (rowid, title, summary, body_text)
  VALUES (new.id, new.title, new.summary, new.body_text);
END;

-- An external-content index forgets a row only when told its old values.
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
  INSERT INTO article_search (article_search, rowid, title, summary, body_text)
  VALUES ('delete', old.id, old.title, old.summary, old.body_text);
END;

CREATE TRIGGER article_search_update AFTER UPDATE OF title, summary, body_text ON articles BEGIN
  INSERT INTO article_search (article_search, rowid, title, summary, body_text)
  VALUES ('delete', old.id, old.title, old.summary, old.body_text);
  INSERT INTO article_search (rowid, title, summary, body_text)
  VALUES (new.id, new.title, new.summary, new.body_text);
END;

-- Index titles and summaries now; bodies follow as their text is written.
-- Withdrawn articles stay out of the index, as they were.
INSERT INTO article_search (article_search) VALUES ('rebuild');
INSERT INTO article_search (article_search, rowid, title, summary, body_text)
  SELECT 'delete', id, title, summary, body_text FROM articles WHERE withdrawn_at IS NOT NULL;
