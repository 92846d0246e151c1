-- The first schema: sources, articles and what hangs off them, ingest runs.
-- Times are integers: milliseconds since the Unix epoch, UTC.

CREATE TABLE sources (
  id              INTEGER PRIMARY KEY,
  slug            TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  url             TEXT,
  articles_dir    TEXT,
  site_url        TEXT,
  categories      TEXT NOT NULL DEFAULT '[]',   -- JSON array of category slugs
  every_minutes   INTEGER NOT NULL DEFAULT 15,
  origin          TEXT NOT NULL DEFAULT 'config', -- who manages it: 'config' for the config file
  enabled         INTEGER NOT NULL DEFAULT 1,     -- 0: kept with its articles, no longer fetched
  last_fetched_at INTEGER,
  last_status     TEXT,                         -- 'ok' or 'error'
  last_error      TEXT,
  error_count     INTEGER NOT NULL DEFAULT 0,
  items_seen      INTEGER NOT NULL DEFAULT 0,
  next_due_at     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE categories (
  slug  TEXT PRIMARY KEY,
  label TEXT NOT NULL
);

CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  guid          TEXT NOT NULL,
  url           TEXT NOT NULL,
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  content_html  TEXT NOT NULL,
  author        TEXT,
  published_at  INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  image_url     TEXT,
  image_type    TEXT,
  image_caption TEXT,
  image_credit  TEXT,
  language      TEXT,
  rights        TEXT,
  upstream_categories TEXT NOT NULL DEFAULT '[]', -- JSON array, kept for reclassifying
  content_hash  TEXT NOT NULL,
  UNIQUE (source_id, guid)
);
CREATE INDEX articles_by_time ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_source_time ON articles (source_id, published_at DESC, id DESC);
CREATE INDEX articles_by_url ON articles (url);

-- published_at is copied here so that a category page is one index range scan.
CREATE TABLE article_categories (
  article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  category_slug TEXT NOT NULL REFERENCES categories(slug),
  published_at  INTEGER NOT NULL,
  PRIMARY KEY (article_id, category_slug)
);
CREATE INDEX article_categories_by_time ON article_categories (category_slug, published_at DESC, article_id DESC);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  slug       TEXT NOT NULL,
  label      TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, slug)
);
CREATE INDEX article_tags_by_time ON article_tags (slug, published_at DESC, article_id DESC);

CREATE TABLE related (
  article_id        INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  position          INTEGER NOT NULL,
  url               TEXT NOT NULL,
  title             TEXT,
  kind              TEXT NOT NULL CHECK (kind IN ('explicit', 'computed', 'same-story')),
  PRIMARY KEY (article_id, position)
);
CREATE INDEX related_by_url ON related (url);

CREATE TABLE ingest_runs (
  id          INTEGER PRIMARY KEY,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER
);

CREATE TABLE ingest_results (
  run_id        INTEGER NOT NULL REFERENCES ingest_runs(id) ON DELETE CASCADE,
  source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  status        TEXT NOT NULL,
  items_seen    INTEGER NOT NULL,
  items_new     INTEGER NOT NULL,
  items_updated INTEGER NOT NULL,
  error         TEXT,
  duration_ms   INTEGER NOT NULL,
  PRIMARY KEY (run_id, source_id)
);
