-- Partner webhooks (issue 21): a partner that cannot poll names a URL, and
-- each kill or correction of an article it may see is POSTed there, signed
-- with a secret of its own (src/webhooks/). Times are milliseconds since the
-- Unix epoch.
--
-- The events are written by triggers on `articles`, in the transaction of
-- the change (as 018 does for surrogate keys), so that every writer is
-- covered (the admin API, an ingest, a CLI in another process) and a crash
-- after the commit loses nothing. Each event is fanned out at once to the
-- partners that have a webhook then: one delivery per partner, which the
-- writer's webhook worker sends, retries and records.

-- The partner's endpoint and the key of its signatures (never logged, never
-- listed; shown once when made). webhook_since: when the URL was set.
ALTER TABLE partners ADD COLUMN webhook_url TEXT;
ALTER TABLE partners ADD COLUMN webhook_secret TEXT;
ALTER TABLE partners ADD COLUMN webhook_since INTEGER;

-- What happened to an article, with what the payload needs (the item id
-- partners see is made from article_id and site.base_url when it is sent).
-- `categories`: where the article was filed when it happened (for a kill,
-- withdrawn_categories; for a correction, its categories before it), the
-- partners' category filter is applied to them.
CREATE TABLE webhook_events (
  id             INTEGER PRIMARY KEY,
  type           TEXT NOT NULL CHECK (type IN ('article.killed', 'article.corrected')),
  article_id     INTEGER NOT NULL,
  occurred_at    INTEGER NOT NULL,  -- withdrawn_at, or the corrected article's updated_at
  url            TEXT NOT NULL,
  title          TEXT NOT NULL,
  previous_title TEXT,              -- corrections: the title before
  changed        TEXT,              -- corrections: JSON array of the fields changed
  reason         TEXT,              -- kills: withdrawn_reason
  categories     TEXT NOT NULL DEFAULT '[]',
  held           INTEGER NOT NULL DEFAULT 0, -- 1: the article was under embargo (023): only partners permitted embargoed articles hear of it
  created_at     INTEGER NOT NULL
);

-- One event owed to one partner. Pending until its URL answers 2xx
-- (delivered), it runs out of attempts (abandoned), or the webhook is
-- removed or the partner revoked (canceled).
CREATE TABLE webhook_deliveries (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'abandoned', 'canceled')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  due_at     INTEGER NOT NULL,
  done_at    INTEGER,
  last_error TEXT,
  UNIQUE (event_id, partner_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_partner ON webhook_deliveries (partner_id, state, id);

-- Every request made: when, to where, what came back (an HTTP status, or
-- why there was none) and how long it took. What the admin reads to see
-- whether a partner received its notices.
CREATE TABLE webhook_attempts (
  id          INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  partner_id  INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,     -- 1 for the first
  sent_at     INTEGER NOT NULL,
  url         TEXT NOT NULL,
  status      INTEGER,              -- the HTTP status of the answer; NULL when none came
  error       TEXT,                 -- NULL when delivered
  duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_by_partner ON webhook_attempts (partner_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);

-- A kill: withdrawn_at set. withdrawArticle sets withdrawn_categories in the
-- same UPDATE, so `new` holds where the article was filed. Nothing is
-- written while no partner has a webhook.
CREATE TRIGGER webhook_article_killed AFTER UPDATE OF withdrawn_at ON articles
WHEN old.withdrawn_at IS NULL AND new.withdrawn_at IS NOT NULL
 AND EXISTS (SELECT 1 FROM partners WHERE webhook_url IS NOT NULL AND revoked_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, article_id, occurred_at, url, title, reason, categories, held, created_at)
  VALUES ('article.killed', new.id, new.withdrawn_at, new.url, new.title, new.withdrawn_reason,
          coalesce(new.withdrawn_categories, '[]'), new.embargo_until IS NOT NULL AND new.published_at > new.withdrawn_at,
          CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

-- A correction: an article that is not withdrawn has its title, summary or
-- body changed. The event names the fields, never their text (beyond the
-- titles): a summary-tier partner must not get a body this way. Its
-- categories are those before the change (article_categories is rewritten
-- after the row): the partners that may hold a copy are told.
CREATE TRIGGER webhook_article_corrected AFTER UPDATE OF title, summary, content_html ON articles
WHEN old.withdrawn_at IS NULL AND new.withdrawn_at IS NULL
 AND (old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.content_html IS NOT new.content_html)
 AND EXISTS (SELECT 1 FROM partners WHERE webhook_url IS NOT NULL AND revoked_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, article_id, occurred_at, url, title, previous_title, changed, categories, held, created_at)
  VALUES ('article.corrected', new.id, new.updated_at, new.url, new.title, old.title,
          json(rtrim('[' || iif(old.title IS NOT new.title, '"title",', '')
                         || iif(old.summary IS NOT new.summary, '"summary",', '')
                         || iif(old.content_html IS NOT new.content_html, '"content_html",', ''), ',') || ']'),
          (SELECT json_group_array(category_slug) FROM article_categories WHERE article_id = new.id),
          new.embargo_until IS NOT NULL AND new.published_at > CAST(unixepoch('subsec') * 1000 AS INTEGER),
          CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

-- Fan-out: every partner with a webhook, not revoked, that may see one of
-- the event's categories (a partner with none sees all), and, for an
-- article under embargo, is permitted embargoed articles: the others have
-- not seen it, and must not hear of it before its time.
CREATE TRIGGER webhook_event_fan_out AFTER INSERT ON webhook_events
BEGIN
  INSERT INTO webhook_deliveries (event_id, partner_id, due_at)
  SELECT new.id, p.id, new.created_at FROM partners p
   WHERE p.webhook_url IS NOT NULL AND p.revoked_at IS NULL AND (new.held = 0 OR p.embargoed = 1)
     AND (json_array_length(p.categories) = 0
          OR EXISTS (SELECT 1 FROM json_each(p.categories) pc WHERE pc.value IN (SELECT value FROM json_each(new.categories))));
END;

-- A revoked partner, or one whose webhook is removed, is sent nothing more.
CREATE TRIGGER webhook_partner_stopped AFTER UPDATE OF revoked_at, webhook_url ON partners
WHEN (old.revoked_at IS NULL AND new.revoked_at IS NOT NULL) OR (old.webhook_url IS NOT NULL AND new.webhook_url IS NULL)
BEGIN
  UPDATE webhook_deliveries SET state = 'canceled', done_at = CAST(unixepoch('subsec') * 1000 AS INTEGER),
         last_error = iif(new.revoked_at IS NOT NULL, 'the partner was revoked', 'the webhook was removed')
   WHERE partner_id = new.id AND state = 'pending';
END;
