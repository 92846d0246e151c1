-- One number that moves whenever anything a feed shows changes, kept by
-- triggers so that every writer (the server's own ingest, a CLI ingest in
-- another process, an admin change) invalidates the server's render cache.
CREATE TABLE content_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE TRIGGER content_version_article_insert AFTER INSERT ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_article_update AFTER UPDATE ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_article_delete AFTER DELETE ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
-- Names and links of sources and labels of categories are printed in feeds.
CREATE TRIGGER content_version_source_update AFTER UPDATE OF name, site_url, url ON sources
WHEN old.name IS NOT new.name OR old.site_url IS NOT new.site_url OR old.url IS NOT new.url
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_category_update AFTER UPDATE OF label ON categories
WHEN old.label IS NOT new.label
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_category_insert AFTER INSERT ON categories
BEGIN UPDATE content_version SET version = version + 1; END;
