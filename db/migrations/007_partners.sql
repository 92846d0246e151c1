-- Syndication partners: each has a key (stored only as its SHA-256: keys are
-- long random strings, so a plain hash is as good as a slow one), a tier
-- (full text or not) and, optionally, the categories it may see.
CREATE TABLE partners (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  key_hash        TEXT NOT NULL UNIQUE,
  key_prefix      TEXT NOT NULL,               -- shown in listings to tell keys apart
  full_text       INTEGER NOT NULL DEFAULT 0,
  categories      TEXT NOT NULL DEFAULT '[]',  -- JSON array of slugs; empty: every category
  created_at      INTEGER NOT NULL,
  revoked_at      INTEGER,
  requests        INTEGER NOT NULL DEFAULT 0,
  last_request_at INTEGER
);
