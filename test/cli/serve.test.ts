// `wirefeed serve` (what `npm start` runs) as a real process, with the node
// flags `npm start` gives it: it listens, ingests at start without being
// asked, serves feeds, and stops on SIGTERM. The Docker image and the
// benchmark's app run it with the same flags.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { serveFlags } from '../../bench/child.js';
import { packageRoot } from '../../src/paths.js';
import { type ServeProcess, startServe } from './serve-process.js';

/** The node flags of `npm start` (package.json's start script: `node FLAGS dist/src/main.js serve`). */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const command = /\bnode((?: --\S+)*) dist\/src\/main\.js serve\b/.exec(pkg.scripts.start);
  assert.ok(command, `npm start runs node … dist/src/main.js serve: ${pkg.scripts.start}`);
  return command[1]!.split(' ').filter(Boolean);
}

test('npm start, the Docker image and the benchmark run serve with the same node flags', () => {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(packageRoot, 'Dockerfile'), 'utf8'));
  assert.deepEqual(JSON.parse(cmd?.[1] ?? '[]'), ['node', ...startFlags(), 'dist/src/main.js', 'serve']);
  assert.deepEqual(startFlags(), serveFlags);
});

describe('wirefeed serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-serve-'));
  let serve: ServeProcess | undefined;

  after(() => {
    serve?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (sql: string) => {
    const db = new Database(join(dir, 'serve.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const faces = () => count('SELECT count(*) FROM articles WHERE story_id IS NULL');

  test('serves the demo feeds with items shortly after start, and exits cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'serve.db') };
    delete env.WIREFEED_CONFIG; // the demo configuration
    serve = await startServe({ env, nodeFlags: startFlags() });
    const { port } = serve;

    // Every demo article is stored, and the aggregate feed lists each story once.
    let items = 0;
    let stored = 0;
    // The demo ingest runs at start; a loaded CI machine can take many seconds over it.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (stored < 21 || items !== faces())) {
      const res = await fetch(`http://127.0.0.1:${port}/feeds/all.json`);
      assert.equal(res.status, 200);
      items = ((await res.json()) as { items: unknown[] }).items.length;
      stored = count('SELECT count(*) FROM articles');
      if (stored < 21 || items !== faces()) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(stored, 21, `every demo article is stored; the serve's log ends:\n${serve.log().split('\n').slice(-15).join('\n')}`);
    assert.equal(items, faces(), 'each story is listed once');
    // 21 articles, 14 stories since issue 18 (same-story reads bodies: the strike-day guide joins the strike-day reports).
    assert.ok(items >= 14, `${items} stories listed`);

    // The write-ahead log is copied into the database file while the server
    // runs, by its checkpoint thread: SQLite's own checkpoint would wait for
    // 1,000 pages, far more than the demo's articles take.
    const inFile = async () => {
      // The database file alone, without its -wal, holds what was checkpointed.
      copyFileSync(join(dir, 'serve.db'), join(dir, 'file-only.db'));
      // A copy taken while the checkpoint writes the file can be torn: it counts as not there yet, and is taken again.
      let db: Database.Database | undefined;
      try {
        db = new Database(join(dir, 'file-only.db'), { readonly: true });
        return db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CORRUPT') || (err as { code?: string }).code === 'SQLITE_NOTADB') return 0;
        throw err;
      } finally {
        db?.close();
      }
    };
    let checkpointed = await inFile();
    for (let attempt = 0; attempt < 50 && checkpointed < 21; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      checkpointed = await inFile();
    }
    assert.equal(checkpointed, 21, 'every stored article is in the database file, not only in its log');

    // The health probe has written its heartbeat, and readiness reports it.
    assert.equal(count('SELECT count(*) FROM health_probe WHERE beat_at > 0'), 1);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);

    assert.equal(await serve.stop(), 0);
  });
});
