-- Full-text search over articles (SQLite FTS5). An external-content table:
-- the index reads its text from `articles` and stores no copy, so triggers
-- keep it in step with every insert, update and delete, whoever writes.
-- The content column is the sanitized HTML as stored: FTS5 cannot strip
-- tags, and a custom SQL function would break writers that do not register
-- it; tag and attribute names become tokens, which ranking barely notices.
-- unicode61 with remove_diacritics 2: "cafe" finds "café". No stemming, no
-- prefixes: a word matches that word.
CREATE VIRTUAL TABLE article_search USING fts5(
  title, summary, content_html,
  content = 'articles', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
  INSERT INTO article_search (rowid, title, summary, content_html)
  VALUES (new.id, new.title, new.summary, new.content_html);
END;

-- An external-content index forgets a row only when told its old values.
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
  INSERT INTO article_search (article_search, rowid, title, summary, content_html)
  VALUES ('delete', old.id, old.title, old.summary, old.content_html);
END;

CREATE TRIGGER article_search_update AFTER UPDATE OF title, summary, content_html ON articles BEGIN
  INSERT INTO article_search (article_search, rowid, title, summary, content_html)
  VALUES ('delete', old.id, old.title, old.summary, old.content_html);
  INSERT INTO article_search (rowid, title, summary, content_html)
  VALUES (new.id, new.title, new.summary, new.content_html);
END;

-- Index the articles stored before this migration.
INSERT INTO article_search (article_search) VALUES ('rebuild');
