-- A test event for one partner's webhook: `webhook.ping`, queued by the
-- admin API (POST /admin/partners/{name}/webhook/ping) or the CLI
-- (`wirefeed partners webhook NAME --ping`), so that a partner's engineer can
-- check a receiver and its signature code before a real kill arrives. It is
-- sent, signed, retried and recorded like any other event
-- (src/store/webhooks/events.ts queues it).
--
-- webhook_events gains partner_id: the one partner an event is for, NULL
-- for the article events, which are fanned out as before. A ping is about
-- no article, so article_id, url and title may now be NULL, for a ping only
-- (the table CHECK). The fan-out trigger skips an event that names its
-- partner; the ping's one delivery is inserted by the code that queues it,
-- in the same transaction.
--
-- SQLite cannot change a column's CHECK or NOT NULL in place, so the table
-- is made again. Not by the usual create-copy-drop-rename: migrations run
-- inside a transaction with foreign_keys on (store/db/db.ts), where the
-- pragma cannot be turned off, and there DROP TABLE webhook_events first
-- deletes its rows, which cascades (ON DELETE CASCADE) to every delivery and
-- every attempt; a rename would also rewrite the triggers on `articles`
-- that name the table. So the three tables' rows are set aside in TEMP
-- tables, webhook_events is dropped (emptying the other two by that
-- cascade) and created again under its own name, which the foreign key of
-- webhook_deliveries and the triggers on `articles` and `partners` name
-- already, and the rows are put back with their ids. The fan-out trigger,
-- dropped with the table, is created again after the copy, so that the
-- events put back are not fanned out a second time.

CREATE TEMP TABLE webhook_events_kept AS SELECT * FROM webhook_events;
CREATE TEMP TABLE webhook_deliveries_kept AS SELECT * FROM webhook_deliveries;
CREATE TEMP TABLE webhook_attempts_kept AS SELECT * FROM webhook_attempts;

DROP TABLE webhook_events;

CREATE TABLE webhook_events (
  id             INTEGER PRIMARY KEY,
  type           TEXT NOT NULL CHECK (type IN ('article.killed', 'article.corrected', 'webhook.ping')),
  partner_id     INTEGER REFERENCES partners (id) ON DELETE CASCADE, -- the one partner it is for; NULL: fanned out
  article_id     INTEGER,
  occurred_at    INTEGER NOT NULL,  -- withdrawn_at, the corrected article's updated_at, or when a ping was asked for
  url            TEXT,
  title          TEXT,
  previous_title TEXT,              -- corrections: the title before
  changed        TEXT,              -- corrections: JSON array of the fields changed
  reason         TEXT,              -- kills: withdrawn_reason
  categories     TEXT NOT NULL DEFAULT '[]',
  held           INTEGER NOT NULL DEFAULT 0, -- 1: the article was under embargo (023): only partners permitted embargoed articles hear of it
  created_at     INTEGER NOT NULL,
  -- A ping is for one partner and about no article; an article event names its article.
  CHECK (iif(type = 'webhook.ping', partner_id IS NOT NULL AND article_id IS NULL,
             article_id IS NOT NULL AND url IS NOT NULL AND title IS NOT NULL))
);

INSERT INTO webhook_events (id, type, article_id, occurred_at, url, title, previous_title, changed, reason, categories, held, created_at)
  SELECT id, type, article_id, occurred_at, url, title, previous_title, changed, reason, categories, held, created_at FROM temp.webhook_events_kept;
INSERT INTO webhook_deliveries (id, event_id, partner_id, state, attempts, due_at, done_at, last_error)
  SELECT id, event_id, partner_id, state, attempts, due_at, done_at, last_error FROM temp.webhook_deliveries_kept;
INSERT INTO webhook_attempts (id, delivery_id, partner_id, attempt, sent_at, url, status, error, duration_ms)
  SELECT id, delivery_id, partner_id, attempt, sent_at, url, status, error, duration_ms FROM temp.webhook_attempts_kept;

DROP TABLE temp.webhook_events_kept;
DROP TABLE temp.webhook_deliveries_kept;
DROP TABLE temp.webhook_attempts_kept;

-- For the cascade if a partner row is ever deleted (partners are revoked, not deleted, today); pings are few.
CREATE INDEX webhook_events_by_partner ON webhook_events (partner_id) WHERE partner_id IS NOT NULL;

-- 025's fan-out, for the events that name no partner: every partner with a
-- webhook, not revoked, that may see one of the event's categories (a
-- partner with none sees all), and, for an article under embargo, is
-- permitted embargoed articles.
CREATE TRIGGER webhook_event_fan_out AFTER INSERT ON webhook_events
WHEN new.partner_id IS NULL
BEGIN
  INSERT INTO webhook_deliveries (event_id, partner_id, due_at)
  SELECT new.id, p.id, new.created_at FROM partners p
   WHERE p.webhook_url IS NOT NULL AND p.revoked_at IS NULL AND (new.held = 0 OR p.embargoed = 1)
     AND (json_array_length(p.categories) = 0
          OR EXISTS (SELECT 1 FROM json_each(p.categories) pc WHERE pc.value IN (SELECT value FROM json_each(new.categories))));
END;
