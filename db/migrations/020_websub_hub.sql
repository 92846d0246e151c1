-- The built-in WebSub hub (W3C WebSub; src/hub/): the subscriptions to our
-- feeds, the subscription requests whose intent is still to be verified
-- (section 5.3), and the deliveries owed to subscribers (section 7), so that
-- all three outlive a restart. Times are milliseconds since the Unix epoch.
-- A topic is one format of one feed: feed_path as store/articles/feeds-of.ts
-- names it (no extension; a tag's slug percent-encoded) and its format.

-- A verified subscription, active until expires_at (its lease).
CREATE TABLE websub_subscriptions (
  id            INTEGER PRIMARY KEY,
  feed_path     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('rss', 'atom', 'json')),
  callback      TEXT NOT NULL,
  callback_host TEXT NOT NULL,    -- the callback's host name, lower case: the per-host limit counts by it
  secret        TEXT,             -- hub.secret, the key of X-Hub-Signature; never logged
  lease_seconds INTEGER NOT NULL,
  verified_at   INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  delivered_at  INTEGER,          -- the last delivery the callback took (2xx)
  abandoned_at  INTEGER,          -- the last delivery given up after every attempt
  last_error    TEXT,             -- why the last failed attempt failed (a status or a network error)
  UNIQUE (feed_path, format, callback)
);
CREATE INDEX websub_subscriptions_expiry ON websub_subscriptions (expires_at);
CREATE INDEX websub_subscriptions_host ON websub_subscriptions (callback_host);

-- A subscribe or unsubscribe request waiting for its verification. One per
-- topic and callback: a newer request replaces an older one; either changes
-- the subscription only once the subscriber has confirmed it (section 5.1).
CREATE TABLE websub_requests (
  id            INTEGER PRIMARY KEY,
  mode          TEXT NOT NULL CHECK (mode IN ('subscribe', 'unsubscribe')),
  topic         TEXT NOT NULL,    -- hub.topic as the subscriber wrote it: the verification sends it back
  feed_path     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('rss', 'atom', 'json')),
  callback      TEXT NOT NULL,
  callback_host TEXT NOT NULL,
  secret        TEXT,
  lease_seconds INTEGER NOT NULL,
  requested_at  INTEGER NOT NULL,
  UNIQUE (feed_path, format, callback)
);
CREATE INDEX websub_requests_host ON websub_requests (callback_host);

-- A delivery owed: at most one per subscription, which always sends the
-- topic's newest document. `changes` counts the changes queued into it, so
-- that one queued while a delivery was on its way is not taken as delivered.
CREATE TABLE websub_deliveries (
  subscription_id INTEGER PRIMARY KEY REFERENCES websub_subscriptions (id) ON DELETE CASCADE,
  changes         INTEGER NOT NULL DEFAULT 1,
  queued_at       INTEGER NOT NULL, -- the oldest change not yet delivered
  due_at          INTEGER NOT NULL, -- the next attempt
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT
);
CREATE INDEX websub_deliveries_due ON websub_deliveries (due_at);
