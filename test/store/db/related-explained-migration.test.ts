// Migration 017 rebuilds the related table to allow 'follow-up' and add
// evidence, and adds editors' edits: a database made by 001–016 keeps every
// related row, and edits move the content version (so feeds change).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contentVersion } from '../../../src/store/content-version.js';
import { listMigrations, migrate, openDb } from '../../../src/store/db/db.js';

test('a database from before 017 migrates with its related rows kept; follow-up and evidence are then stored, edits move the content version', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-017-'));
  const db = openDb(join(dir, 'old.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  migrate(db, listMigrations().filter((m) => m.version <= 16));
  db.prepare("INSERT INTO sources (id, slug, name) VALUES (1, 'wire', 'Wire')").run();
  const insert = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
     VALUES (1, ?, ?, ?, '', '', 1, 1, 1, 'h')`,
  );
  const a = Number(insert.run('a', 'https://wire.example/a', 'A').lastInsertRowid);
  const b = Number(insert.run('b', 'https://wire.example/b', 'B').lastInsertRowid);
  const link = db.prepare('INSERT INTO related (article_id, kind, position, url, title, score) VALUES (?, ?, ?, ?, ?, ?)');
  link.run(a, 'explicit', 0, 'https://elsewhere.example/x', 'X', null);
  link.run(a, 'computed', 0, 'https://wire.example/b', 'B', 0.5);
  link.run(b, 'same-story', 0, 'https://wire.example/a', 'A', 1);
  const rows = () => db.prepare('SELECT article_id, kind, position, url, title, score FROM related ORDER BY article_id, kind').all();
  const before = rows();

  // Up to 017 only: later migrations are not this test's.
  assert.deepEqual(migrate(db, listMigrations().filter((m) => m.version <= 17)), ['017_related_explained.sql']);
  assert.deepEqual(rows(), before);
  assert.equal(db.prepare('SELECT count(*) FROM related WHERE evidence IS NOT NULL').pluck().get(), 0);
  db.prepare("INSERT INTO related (article_id, kind, position, url, title, score, evidence) VALUES (?, 'follow-up', 0, ?, 'B', 0.4, ?)").run(
    a,
    'https://wire.example/b',
    '{"similarity":0.4}',
  );
  assert.throws(() => link.run(a, 'sequel', 0, 'https://wire.example/b', 'B', 0.4), /CHECK/);
  assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'related_by_url'").get(), 'the URL index is back');

  const version = contentVersion(db);
  db.prepare("INSERT INTO related_edits (article_id, target_id, action, created_at) VALUES (?, ?, 'pin', 1)").run(a, b);
  assert.ok(contentVersion(db) > version, 'an edit moves the content version');
  assert.throws(() => db.prepare("INSERT INTO related_edits (article_id, target_id, action, created_at) VALUES (?, ?, 'pin', 1)").run(a, a), /CHECK/);
  assert.throws(() => db.prepare("INSERT INTO related_edits (article_id, target_id, action, created_at) VALUES (?, ?, 'hide', 1)").run(b, a), /CHECK/);
});
