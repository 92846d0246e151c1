-- 1 when the article's url is not its own but its feed's page, standing in
-- for the link its entry did not have (ingest/clean/normalize.ts). Several
-- articles of one feed then share that URL, so it says nothing about which
-- story an article is: relate neither joins stories by it nor names such an
-- article by it in related lists. Rows stored before this were taken as
-- having their own URL; each is corrected when its entry is next prepared
-- (its content hash counts the flag).
ALTER TABLE articles ADD COLUMN url_fallback INTEGER NOT NULL DEFAULT 0;
