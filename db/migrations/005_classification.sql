-- What classification starts from, kept so that `wirefeed reclassify` can run
-- a changed taxonomy over stored articles without fetching them again: the
-- tags an article brought itself (upstream categories are kept already).
ALTER TABLE articles ADD COLUMN upstream_tags TEXT NOT NULL DEFAULT '[]';

-- A category or tag that changes on its own (reclassify) changes the feeds.
CREATE TRIGGER content_version_article_category_insert AFTER INSERT ON article_categories
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_article_category_delete AFTER DELETE ON article_categories
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_article_tag_insert AFTER INSERT ON article_tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER content_version_article_tag_delete AFTER DELETE ON article_tags
BEGIN UPDATE content_version SET version = version + 1; END;
