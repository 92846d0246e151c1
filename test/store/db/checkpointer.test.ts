// The checkpoint thread: it copies the write-ahead log into the database file
// while the connection that writes leaves that to it, and when it cannot run
// the connection checkpoints again by itself and the failure is logged.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createLog } from '../../../src/observe/log.js';
import { startCheckpointer } from '../../../src/store/db/checkpointer.js';
import { openDb } from '../../../src/store/db/db.js';

describe('checkpointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-checkpoint-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const logged: Record<string, unknown>[] = [];
  const log = createLog('info', new Writable({ write: (chunk, _e, done) => (logged.push(JSON.parse(String(chunk))), done()) }));

  /** Rows of `t` in the database file alone, without its -wal: what has been checkpointed. */
  const inFile = (path: string) => {
    copyFileSync(path, join(dir, 'copy.db'));
    const copy = new Database(join(dir, 'copy.db'), { readonly: true });
    try {
      // Before the first checkpoint even the table is only in the log.
      const made = copy.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't'").pluck().get() === 1;
      return made ? (copy.prepare('SELECT count(*) FROM t').pluck().get() as number) : 0;
    } finally {
      copy.close();
    }
  };

  test('takes over the checkpoints: written rows reach the database file while the connection stays open', async () => {
    const path = join(dir, 'a.db');
    const db = openDb(path);
    db.exec('CREATE TABLE t (x TEXT)');
    const checkpointer = startCheckpointer(db, log);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(`row ${i}`);
    })();
    let rows = 0;
    for (let attempt = 0; attempt < 100 && rows < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rows = inFile(path);
    }
    assert.equal(rows, 100);
    await checkpointer.stop();
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    db.close();
  });

  test('a checkpointer that cannot run hands the checkpoints back to the connection and says so in the log', async () => {
    const path = join(dir, 'b.db');
    const db = openDb(path);
    db.exec('CREATE TABLE t (x TEXT)');
    // The worker opens the database by its path, which no longer leads to it.
    renameSync(path, join(dir, 'moved.db'));
    startCheckpointer(db, log);
    for (let attempt = 0; attempt < 100 && !logged.some((l) => l.event === 'checkpointer_failed'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(logged.some((l) => l.event === 'checkpointer_failed' && l.level === 50), JSON.stringify(logged));
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    db.close();
  });
});
