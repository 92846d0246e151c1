// Serving never waits for the ingest (issue 16), as a real `serve` process,
// alone (--readers 1) and with reader processes (--readers 2): its ingest is
// made to wait, synchronously, for a write lock this test holds (as another
// process's long transaction would make it), and requests are answered
// meanwhile, because the ingest runs on a thread of its own. When the ingest
// ran on the thread that answers requests, they waited as long as the lock
// was held (up to the connection's busy timeout, 5 s).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { configWithSources, type FixtureServer, serveFixtures, until } from '../helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rss = `<rss version="2.0"><channel><title>Wire</title><link>https://wire.test/</link><description>d</description>
<item><title>Held story</title><link>https://wire.test/1</link><guid>https://wire.test/1</guid></item></channel></rss>`;

const dir = mkdtempSync(join(tmpdir(), 'wirefeed-serve-ingesting-'));
let fixtures: FixtureServer;
const serves: ServeProcess[] = [];
/** The write lock this test holds, per database (one per run). */
const blockers = new Map<string, Database.Database>();

before(async () => {
  // The moment a serve's ingest fetches, this test takes its database's write lock: the ingest's first write then waits for it.
  const lockThenAnswer = (name: string) => (_req: IncomingMessage, res: ServerResponse) => {
    const dbPath = join(dir, `${name}.db`);
    if (!blockers.has(dbPath)) {
      const blocker = new Database(dbPath);
      blocker.exec('BEGIN IMMEDIATE');
      blockers.set(dbPath, blocker);
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
  };
  fixtures = await serveFixtures({ '/readers-1.rss': lockThenAnswer('readers-1'), '/readers-2.rss': lockThenAnswer('readers-2') });
});

after(async () => {
  for (const serve of serves) serve.child.kill('SIGKILL');
  for (const blocker of blockers.values()) {
    if (blocker.inTransaction) blocker.exec('ROLLBACK');
    blocker.close();
  }
  await fixtures.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How long a GET took, or Infinity when it was not answered within `ms`. */
async function timedGet(url: string, ms: number): Promise<{ status: number; elapsed: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
    await res.arrayBuffer();
    return { status: res.status, elapsed: performance.now() - started };
  } catch {
    return { status: 0, elapsed: Infinity };
  }
}

for (const readers of ['1', '2']) {
  test(`--readers ${readers}: while the ingest waits for a write lock, serve answers requests at once; the ingest stores its article once the lock is free`, async () => {
    const name = `readers-${readers}`;
    const dbPath = join(dir, `${name}.db`);
    const config = join(dir, `${name}.yaml`);
    writeFileSync(config, configWithSources(`  - { slug: wire, name: Wire, url: "${fixtures.url}/${name}.rss" }`));
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_CONFIG: config, WIREFEED_PORT: '0', WIREFEED_DB: dbPath };
    delete env.WIREFEED_LOG_LEVEL;
    const serve = await startServe({ env, readers: Number(readers) });
    serves.push(serve);
    const base = `http://127.0.0.1:${serve.port}`;

    await until(() => blockers.has(dbPath), 'the ingest to fetch');
    // Time for the ingest to parse its one item and reach its first write.
    await sleep(500);
    for (const path of ['/healthz', '/feeds/all.json', '/sources']) {
      const { status, elapsed } = await timedGet(`${base}${path}`, 1_500);
      assert.equal(status, 200, `${path} answered while the ingest waits for the lock`);
      assert.ok(elapsed < 1_500, `${path} took ${elapsed} ms`);
    }
    assert.doesNotMatch(serve.log(), /"event":"source_refreshed"/, 'the ingest was still waiting when those requests were answered');

    blockers.get(dbPath)!.exec('COMMIT');
    await until(() => /"event":"source_refreshed","source":"wire","status":"ok"/.test(serve.log()), 'the ingest to finish');
    const feed = (await (await fetch(`${base}/feeds/all.json`)).json()) as { items: { title: string }[] };
    assert.deepEqual(
      feed.items.map((i) => i.title),
      ['Held story'],
    );
  });
}
