-- Partner usage reports: what each partner asked for per UTC day, and which
-- articles it received, with the first time each reached it and how. Both
-- are written behind, in the batched flush of partner request counts
-- (src/store/partner-usage.ts), never on a request's path.
CREATE TABLE partner_usage_days (
  partner_id   INTEGER NOT NULL REFERENCES partners (id),
  day          TEXT NOT NULL,                -- 'YYYY-MM-DD', UTC
  requests     INTEGER NOT NULL DEFAULT 0,   -- answered past the key check and the rate limit
  bytes        INTEGER NOT NULL DEFAULT 0,   -- body bytes as sent (compressed when compressed)
  not_modified INTEGER NOT NULL DEFAULT 0,   -- 304 answers
  PRIMARY KEY (partner_id, day)
) WITHOUT ROWID;

-- One row per partner and article: the first delivery, kept whatever came
-- later. No reference to articles: a report still lists an article that has
-- since been removed (by its id).
CREATE TABLE partner_deliveries (
  partner_id INTEGER NOT NULL REFERENCES partners (id),
  article_id INTEGER NOT NULL,
  first_at   INTEGER NOT NULL,               -- ms since the epoch
  route      TEXT NOT NULL,                  -- the route's pattern, like /feeds/categories/:slug.:format
  format     TEXT NOT NULL,                  -- rss, atom, json or html
  PRIMARY KEY (partner_id, article_id)
) WITHOUT ROWID;

CREATE INDEX partner_deliveries_by_time ON partner_deliveries (partner_id, first_at);
