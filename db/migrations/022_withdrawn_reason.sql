-- Why an article was withdrawn, as the publisher said it (plain text, at
-- most 500 characters; NULL when no reason was given or for articles
-- withdrawn before this migration). Atom tombstones carry it in
-- <at:comment>; partners' RSS and JSON Feed in their kill notices.
ALTER TABLE articles ADD COLUMN withdrawn_reason TEXT;
