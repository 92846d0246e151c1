// Which feeds a withdrawn article was withdrawn from (listWithdrawals): by
// where it was filed at the time, kept on its row by migration 019; one
// withdrawn before 019 is known to the all and source feeds only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listWithdrawals } from '../../../src/store/articles/feeds.js';
import { listMigrations, migrate, openDb } from '../../../src/store/db/db.js';

test('withdrawals are found by feed, partner categories and time; those from before 019 only in all and source feeds', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-019-'));
  const db = openDb(join(dir, 'w.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  migrate(db, listMigrations().filter((m) => m.version <= 18));
  db.prepare("INSERT INTO sources (id, slug, name) VALUES (1, 'wire', 'Wire'), (2, 'desk', 'Desk')").run();
  const insert = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash, withdrawn_at)
     VALUES (?, ?, ?, 'T', '', '', 1, 1, 1, 'h', ?)`,
  );
  const old = Number(insert.run(1, 'old', 'https://wire.example/old', 5_000).lastInsertRowid);
  migrate(db);
  const filed = Number(insert.run(2, 'new', 'https://desk.example/new', 9_000).lastInsertRowid);
  db.prepare(`UPDATE articles SET withdrawn_categories = '["climate"]', withdrawn_tags = '{"heron":"Heron"}' WHERE id = ?`).run(filed);
  insert.run(2, 'kept', 'https://desk.example/kept', null);

  const ids = (w: ReturnType<typeof listWithdrawals>) => w.recent.map((r) => r.id);
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'all' }, 0)), [filed, old], 'newest first');
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'source', sourceId: 1 }, 0)), [old]);
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'category', slug: 'climate' }, 0)), [filed]);
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'tag', slug: 'heron' }, 0)), [filed]);
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'category', slug: 'transport' }, 0)), []);
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'all' }, 0, ['transport'])), [], 'a partner limited to other categories');
  assert.deepEqual(ids(listWithdrawals(db, { kind: 'all' }, 0, ['climate'])), [filed]);

  // Past the period: no tombstone, but the feed still knows when it last lost an article.
  const later = listWithdrawals(db, { kind: 'source', sourceId: 1 }, 5_000);
  assert.deepEqual(later, { recent: [], last: new Date(5_000) });
  assert.deepEqual(listWithdrawals(db, { kind: 'tag', slug: 'nothing' }, 0), { recent: [] });
});
