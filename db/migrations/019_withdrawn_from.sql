-- What a withdrawn article was filed under when it was withdrawn: its
-- category slugs (a JSON array) and its tags (a JSON object, slug to label:
-- a tag feed whose last article went still answers, with the tombstone). Withdrawal removes its
-- article_categories and article_tags rows, but the feeds that listed it
-- still name it for a while in an Atom tombstone (RFC 6721), so they must be
-- found again. NULL for articles withdrawn before this migration: their
-- tombstones reach the all and source feeds only.
ALTER TABLE articles ADD COLUMN withdrawn_categories TEXT;
ALTER TABLE articles ADD COLUMN withdrawn_tags TEXT;
-- Withdrawals are few: every feed render reads the recent ones and the last.
CREATE INDEX articles_by_withdrawal ON articles (withdrawn_at) WHERE withdrawn_at IS NOT NULL;
