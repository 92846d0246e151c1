-- The content version moved once per row written to article_categories,
-- article_tags and related: a dozen times for each stored article, since a
-- new article writes its categories, tags and links and joins older
-- articles' related lists. The store functions that write these tables now
-- move it once per call that changes something (bumpContentVersion in
-- store/content-version.ts), in the same transaction as their writes, so
-- that a writer in another process still invalidates the server's render
-- cache. The triggers on articles, sources and categories stay.
DROP TRIGGER content_version_article_category_insert;
DROP TRIGGER content_version_article_category_delete;
DROP TRIGGER content_version_article_tag_insert;
DROP TRIGGER content_version_article_tag_delete;
DROP TRIGGER content_version_related_insert;
DROP TRIGGER content_version_related_delete;
