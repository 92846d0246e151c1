// Migration 027 makes webhook_events again (a ping type, a target partner,
// no article for a ping) inside the migration's transaction, where foreign
// keys are on: a database with events, deliveries and attempts keeps every
// row, the deliveries' foreign key still reaches the events (and cascades),
// the triggers on `articles` still write events and the fan-out still fans
// them out, once, while an event that names its partner is not fanned out.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listMigrations, migrate, openDb } from '../../../src/store/db/db.js';
import { createPartner } from '../../../src/store/partners.js';
import { setWebhook } from '../../../src/store/webhooks/endpoints.js';

test('a database from before 027 migrates with its events, deliveries and attempts kept, linked and cascading; the triggers still work', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-027-'));
  const db = openDb(join(dir, 'old.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  migrate(db, listMigrations().filter((m) => m.version < 27));
  db.prepare("INSERT INTO sources (id, slug, name) VALUES (1, 'wire', 'Wire')").run();
  const insert = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
     VALUES (1, @guid, @url, @title, '', '', 1, 1, 1, 'h')`,
  );
  const article = (guid: string) => Number(insert.run({ guid, url: `https://wire.example/${guid}`, title: guid.toUpperCase() }).lastInsertRowid);
  const coast = createPartner(db, 'Coast Weekly', { fullText: false, categories: [] }).partner.id;
  const rail = createPartner(db, 'Rail Review', { fullText: false, categories: [] }).partner.id;
  setWebhook(db, coast, 'https://coast.example/hook');
  setWebhook(db, rail, 'https://rail.example/hook');
  const kill = db.prepare("UPDATE articles SET withdrawn_at = @at, withdrawn_reason = 'Legal', withdrawn_categories = '[]' WHERE id = @id");
  kill.run({ id: article('a'), at: 10 });
  db.prepare("UPDATE articles SET title = 'B, corrected', updated_at = 20 WHERE id = @id").run({ id: article('b') });
  // The kill's delivery to Coast Weekly sent and recorded; the correction's to Rail Review failed once and due again.
  const deliveryOf = db.prepare('SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.type = @type AND d.partner_id = @p').pluck();
  const sent = deliveryOf.get({ type: 'article.killed', p: coast }) as number;
  const failed = deliveryOf.get({ type: 'article.corrected', p: rail }) as number;
  db.prepare("UPDATE webhook_deliveries SET state = 'delivered', attempts = 1, done_at = 30 WHERE id = @sent").run({ sent });
  db.prepare("UPDATE webhook_deliveries SET attempts = 1, due_at = 90, last_error = 'HTTP 500' WHERE id = @failed").run({ failed });
  const attempt = db.prepare(
    "INSERT INTO webhook_attempts (delivery_id, partner_id, attempt, sent_at, url, status, error, duration_ms) VALUES (@d, @p, 1, 30, 'https://x.example/hook', @status, @error, 5)",
  );
  attempt.run({ d: sent, p: coast, status: 200, error: null });
  attempt.run({ d: failed, p: rail, status: 500, error: 'HTTP 500' });

  const events = () =>
    db.prepare('SELECT id, type, article_id, occurred_at, url, title, previous_title, changed, reason, categories, held, created_at FROM webhook_events ORDER BY id').all();
  const deliveries = () => db.prepare('SELECT * FROM webhook_deliveries ORDER BY id').all();
  const attempts = () => db.prepare('SELECT * FROM webhook_attempts ORDER BY id').all();
  const before = { events: events(), deliveries: deliveries(), attempts: attempts() };
  assert.deepEqual([before.events.length, before.deliveries.length, before.attempts.length], [2, 4, 2], 'a kill and a correction, to both partners');

  assert.deepEqual(migrate(db, listMigrations().filter((m) => m.version <= 27)), ['027_webhook_ping.sql']);
  assert.deepEqual({ events: events(), deliveries: deliveries(), attempts: attempts() }, before, 'every row kept, ids included');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.equal(db.prepare('SELECT count(*) FROM temp.sqlite_master').pluck().get(), 0, 'nothing left behind in temp');
  const schema = (type: string) => db.prepare("SELECT name FROM sqlite_master WHERE type = @type AND name LIKE 'webhook%' ORDER BY name").pluck().all({ type });
  assert.deepEqual(schema('trigger'), ['webhook_article_corrected', 'webhook_article_killed', 'webhook_event_fan_out', 'webhook_partner_stopped']);
  assert.deepEqual(schema('index'), [
    'webhook_attempts_by_delivery',
    'webhook_attempts_by_partner',
    'webhook_deliveries_by_partner',
    'webhook_deliveries_due',
    'webhook_events_by_partner',
  ]);

  // The triggers on articles write to the new table, and it fans out once to each partner.
  const c = article('c');
  kill.run({ id: c, at: 40 });
  const cDeliveries = db.prepare('SELECT d.partner_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.article_id = @c ORDER BY 1').pluck();
  assert.deepEqual(cDeliveries.all({ c }), [coast, rail]);
  assert.equal(db.prepare('SELECT count(*) FROM webhook_deliveries').pluck().get(), 6, 'the events kept were not fanned out again');

  // An event that names its partner is not fanned out; a ping names one and no article.
  const ping = db.prepare("INSERT INTO webhook_events (type, partner_id, occurred_at, created_at) VALUES ('webhook.ping', @p, 50, 50)");
  const pingId = Number(ping.run({ p: rail }).lastInsertRowid);
  assert.equal(db.prepare('SELECT count(*) FROM webhook_deliveries WHERE event_id = @pingId').pluck().get({ pingId }), 0);
  assert.throws(() => ping.run({ p: null }), /CHECK/);
  assert.throws(() => db.prepare("INSERT INTO webhook_events (type, occurred_at, created_at) VALUES ('article.killed', 1, 1)").run(), /CHECK/);
  assert.throws(() => db.prepare("INSERT INTO webhook_events (type, partner_id, occurred_at, created_at) VALUES ('webhook.pong', 1, 1, 1)").run(), /CHECK/);
  assert.throws(() => ping.run({ p: 999 }), /FOREIGN KEY/);

  // The deliveries' foreign key reaches the new table: deleting an event takes its deliveries and their attempts with it.
  db.prepare("DELETE FROM webhook_events WHERE type = 'article.killed' AND occurred_at = 10").run();
  assert.equal(db.prepare('SELECT count(*) FROM webhook_deliveries WHERE id = @sent').pluck().get({ sent }), 0);
  assert.deepEqual(db.prepare('SELECT delivery_id FROM webhook_attempts').pluck().all(), [failed]);
});
