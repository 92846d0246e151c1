// Exactly one writer, with several processes on one database (issue 16), as
// real processes: two `serve`s, one of which becomes the writer while the
// other only answers requests and takes over when the writer is killed
// with SIGKILL; and `ingest --once` next to a serve whose ingest is running,
// which hands its run to that writer instead of ingesting beside it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { configWithSources, type FixtureServer, runCli, serveFixtures, until } from '../helpers.js';
import { createLog } from '../../src/observe/log.js';
import { WriterLease } from '../../src/store/db/lease.js';
import { type ServeProcess, startServe } from './serve-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writerGauge(port: number): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return /^wirefeed_writer (\d)$/m.exec(text)?.[1];
}

const rss = (host: string, n: number) =>
  `<rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link><description>d</description>${Array.from(
    { length: n },
    (_, i) => `<item><title>${host} story ${i}</title><link>https://${host}/${i}</link><guid>https://${host}/${i}</guid></item>`,
  ).join('')}</channel></rss>`;

describe('two serves on one database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-writer-'));
  const heartbeatMs = 100;
  const timeoutMs = 1_000;
  let fixtures: FixtureServer;
  const held: ServerResponse[] = [];
  let slowAsked = 0;
  const serves: ServeProcess[] = [];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    fixtures = await serveFixtures({
      '/quick.rss': { body: rss('quick.test', 2), type: 'application/rss+xml' },
      // The first writer's fetch never gets an answer: it dies with the source unfinished.
      '/slow.rss': (_req, res) => {
        if (slowAsked++ === 0) held.push(res);
        else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('slow.test', 3));
      },
    });
    const yaml = configWithSources(
      `  - { slug: quick, name: Quick, url: "${fixtures.url}/quick.rss" }\n  - { slug: slow, name: Slow, url: "${fixtures.url}/slow.rss" }`,
      `server:\n  writer_heartbeat_seconds: ${heartbeatMs / 1000}\n  writer_timeout_seconds: ${timeoutMs / 1000}\n`,
      true,
      '  concurrency: 2\n  timeout_seconds: 60\n',
    );
    writeFileSync(join(dir, 'config.yaml'), yaml);
    env = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'w.db') };
    delete env.WIREFEED_LOG_LEVEL;
  });

  after(async () => {
    for (const s of serves) s.child.kill('SIGKILL');
    for (const res of held) res.destroy();
    await fixtures.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('exactly one becomes the writer and ingests; the other answers HTTP as a reader', async () => {
    serves.push(await startServe({ env }));
    const [a] = serves as [ServeProcess];
    await until(() => /"event":"source_refreshed","source":"quick","status":"ok"/.test(a.log()) && held.length === 1, "the writer's ingest");
    serves.push(await startServe({ env }));
    const b = serves[1]!;
    await sleep(5 * heartbeatMs);

    assert.match(a.log(), /"event":"writer_acquired"/);
    assert.doesNotMatch(b.log(), /"event":"writer_acquired"/);
    assert.equal(await writerGauge(a.port), '1');
    assert.equal(await writerGauge(b.port), '0');
    const res = await fetch(`http://127.0.0.1:${b.port}/feeds/all.json`);
    assert.equal(res.status, 200);
    const items = ((await res.json()) as { items: { title: string }[] }).items.map((i) => i.title).sort();
    assert.deepEqual(items, ['quick.test story 0', 'quick.test story 1'], 'the reader serves what the writer stored');
    assert.doesNotMatch(b.log(), /"event":"source_refreshed"/, 'the reader ingests nothing');
    assert.equal(slowAsked, 1, 'the slow source was fetched once, by the writer');
  });

  test('when the writer is killed (SIGKILL), the other takes over within the timeout and ingests what it left unfinished', async () => {
    const [a, b] = serves as [ServeProcess, ServeProcess];
    const killed = Date.now();
    a.child.kill('SIGKILL');
    // How soon past the timeout is the machine's business (a loaded CI box delays the log line we time by):
    // the bound here is a generous one; the lease's own timing is tested in store/db on a mocked clock.
    await until(() => b.seen.has('writer_acquired'), 'the takeover', timeoutMs + 5_000);
    const takeover = b.seen.get('writer_acquired')! - killed;
    assert.ok(takeover >= timeoutMs - 2 * heartbeatMs, `not before the dead writer's beat was old (${takeover} ms)`);
    console.log(`takeover ${takeover} ms after SIGKILL (heartbeat ${heartbeatMs} ms, timeout ${timeoutMs} ms)`);

    // The dead writer never recorded the slow source, so it is still due.
    await until(() => /"event":"source_refreshed","source":"slow","status":"ok"/.test(b.log()), 'the new writer to ingest the slow source');
    assert.equal(await writerGauge(b.port), '1');
    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM articles').pluck().get(), 5);
      assert.match(String(db.prepare('SELECT holder FROM writer_lease').pluck().get()), new RegExp(`:${b.child.pid}:`));
    } finally {
      db.close();
    }
  });

  test('the writer gives the lease up when it stops (SIGTERM): nobody holds it after', async () => {
    const b = serves[1]!;
    assert.equal(await b.stop(), 0);
    assert.match(b.log(), /"event":"writer_lost","holder":"[^"]+","reason":"released"/);
    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM writer_lease').pluck().get(), 0);
    } finally {
      db.close();
    }
  });
});

describe('ingest --once next to a running serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-handoff-'));
  let fixtures: FixtureServer;
  let serve: ServeProcess | undefined;
  let env: Record<string, string>;

  before(async () => {
    // Each answer takes a while, so that the serve's ingest at start is still going when the CLI comes.
    const slowly = (body: string) => (_req: unknown, res: ServerResponse) =>
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), 1_500);
    fixtures = await serveFixtures({ '/a.rss': slowly(rss('a.test', 3)), '/b.rss': slowly(rss('b.test', 4)) });
    writeFileSync(join(dir, 'c.rss'), rss('c.test', 2));
    const yaml = configWithSources(
      `  - { slug: a, name: A, url: "${fixtures.url}/a.rss" }\n  - { slug: b, name: B, url: "${fixtures.url}/b.rss" }\n  - { slug: c, name: C, file: c.rss }`,
      'server:\n  writer_heartbeat_seconds: 0.2\n  writer_timeout_seconds: 1\n',
      true,
      '  concurrency: 3\n  schedule: "0 0 1 1 *"\n',
    );
    writeFileSync(join(dir, 'config.yaml'), yaml);
    env = { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') };
  });

  after(async () => {
    serve?.child.kill('SIGKILL');
    await fixtures.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('hands its run to the writer: waits for the running ingest, exits 0 with the table, never locked, one run each, no duplicates', async () => {
    const serveEnv: NodeJS.ProcessEnv = { ...process.env, ...env, WIREFEED_PORT: '0' };
    delete serveEnv.WIREFEED_LOG_LEVEL;
    serve = await startServe({ env: serveEnv });
    await until(() => serve!.seen.has('writer_acquired'), 'the writer');

    const started = Date.now();
    const r = await runCli(['ingest', '--once'], env);
    const took = Date.now() - started;
    console.log(`ingest --once handed to the writer: ${took} ms (the serve's own run was going)`);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /locked|SQLITE_BUSY/i);
    assert.match(r.stderr, /^Ingesting 3 sources…\nAnother process is the writer: this ingest is handed to it; waiting…\n/);
    const table = r.stdout.slice(r.stdout.indexOf('source  '));
    assert.deepEqual(
      table.trim().split('\n').slice(2).map((line) => line.trim().split(/\s{2,}/)),
      [
        ['a', 'ok', '3', '0', '0'],
        ['b', 'ok', '4', '0', '0'],
        ['c', 'ok', '2', '0', '0'],
      ],
      'the rows of the run the writer made for it: the start-up run had stored everything',
    );

    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      const runs = db.prepare('SELECT id, started_at AS startedAt, finished_at AS finishedAt FROM ingest_runs ORDER BY id').all() as {
        id: number;
        startedAt: number;
        finishedAt: number;
      }[];
      assert.equal(runs.length, 2, "the serve's run at start and the one asked for: nothing ran twice");
      assert.ok(runs[1]!.startedAt >= runs[0]!.finishedAt, 'the runs never overlapped');
      const requests = db.prepare('SELECT run_id AS runId, requested_at AS requestedAt FROM ingest_requests').all() as { runId: number; requestedAt: number }[];
      assert.deepEqual(requests.map((q) => q.runId), [runs[1]!.id], 'the serve ran the request');
      assert.ok(requests[0]!.requestedAt < runs[0]!.finishedAt, "asked while the serve's own run was going");
      assert.equal(db.prepare('SELECT count(*) FROM articles').pluck().get(), 9);
      assert.equal(db.prepare('SELECT count(DISTINCT url) FROM articles').pluck().get(), 9);
    } finally {
      db.close();
    }
    assert.match(serve.log(), /"event":"ingest_request_started"/);
  });

  test('when the writer dies while it waits, it takes the lease after the timeout and ingests itself', async () => {
    await serve?.kill();
    serve = undefined;
    // As if it had died just after the CLI started waiting: its last beat
    // stays fresh for longer than a CLI (node, quick_check) takes to start
    // on a loaded machine, which the timeout alone (1 s) is not.
    const writable = new Database(join(dir, 'w.db'));
    const deadAt = Date.now() + 4_000;
    writable.prepare('UPDATE writer_lease SET heartbeat_at = ?').run(deadAt);
    writable.close();
    const r = await runCli(['ingest', '--once', '--source', 'c'], env);
    const late = Date.now() - (deadAt + 1_000);
    console.log(`ingest --once ended ${late} ms after the dead writer's lease went stale (timeout 1000 ms)`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Ingesting 1 source…\nAnother process is the writer: this ingest is handed to it; waiting…\nThe writer has stopped; ingesting here\.\n/);
    assert.match(r.stdout, /\nc +ok +2 +0 +0\n/);
    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      assert.equal(db.prepare('SELECT count(*) FROM writer_lease').pluck().get(), 0, 'given up');
      assert.equal(db.prepare('SELECT count(*) FROM ingest_runs').pluck().get(), 3);
      assert.equal(db.prepare('SELECT count(*) FROM ingest_requests WHERE finished_at IS NOT NULL AND run_id = 3').pluck().get(), 1);
    } finally {
      db.close();
    }

    // Now nobody holds the lease: the CLI writes at once, with no hand-off.
    const again = await runCli(['ingest', '--once', '--source', 'c'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /Another process/);
  });
});

describe('POST /admin/ingest on a running serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-admin-ingest-'));
  const token = 'writer-admin-token-0123456789';
  let fixtures: FixtureServer;
  let serve: ServeProcess | undefined;

  before(async () => {
    const slowly = (body: string) => (_req: unknown, res: ServerResponse) =>
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), 1_500);
    fixtures = await serveFixtures({ '/a.rss': slowly(rss('a.test', 3)) });
    const yaml = configWithSources(
      `  - { slug: a, name: A, url: "${fixtures.url}/a.rss" }`,
      'server:\n  writer_heartbeat_seconds: 0.2\n  writer_timeout_seconds: 1\n',
      true,
      '  schedule: "0 0 1 1 *"\n',
    );
    writeFileSync(join(dir, 'config.yaml'), yaml);
  });

  after(async () => {
    serve?.child.kill('SIGKILL');
    await fixtures.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("is handed to the writer's schedule: it waits for the running ingest instead of running beside it", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WIREFEED_CONFIG: join(dir, 'config.yaml'),
      WIREFEED_DB: join(dir, 'w.db'),
      WIREFEED_PORT: '0',
      WIREFEED_ADMIN_TOKEN: token,
    };
    delete env.WIREFEED_LOG_LEVEL;
    serve = await startServe({ env });
    await until(() => serve!.seen.has('writer_acquired'), 'the writer');
    const res = await fetch(`http://127.0.0.1:${serve.port}/admin/ingest`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { results: { source: string; status: string; items_seen: number }[] };
    assert.deepEqual(body.results.map((r) => [r.source, r.status, r.items_seen]), [['a', 'ok', 3]]);
    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      const runs = db.prepare('SELECT started_at AS startedAt, finished_at AS finishedAt FROM ingest_runs ORDER BY id').all() as { startedAt: number; finishedAt: number }[];
      assert.equal(runs.length, 2);
      assert.ok(runs[1]!.startedAt >= runs[0]!.finishedAt, 'the runs never overlapped');
      assert.equal(db.prepare('SELECT count(*) FROM articles').pluck().get(), 3);
    } finally {
      db.close();
    }
  });
});

describe('a serve that is not the writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-reader-probe-'));
  let serve: ServeProcess | undefined;

  after(() => {
    serve?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test("still makes the health probe's write, so that its own /readyz finds out about the disk", async () => {
    writeFileSync(join(dir, 'config.yaml'), configWithSources('  []', 'server:\n  writer_heartbeat_seconds: 0.1\n  writer_timeout_seconds: 1\n'));
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db'), WIREFEED_PORT: '0' };
    delete env.WIREFEED_LOG_LEVEL;
    assert.equal((await runCli(['migrate'], { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') })).code, 0);
    // This test process holds the lease for the whole test: the serve stays a reader.
    const db = new Database(join(dir, 'w.db'));
    const lease = new WriterLease(db, createLog('silent'), { heartbeatMs: 100, timeoutMs: 1_000 });
    try {
      assert.equal(lease.start().isWriter, true);
      const before = Date.now();
      serve = await startServe({ env });
      assert.equal(await writerGauge(serve.port), '0');
      const beat = () => (db.prepare('SELECT beat_at FROM health_probe WHERE id = 1').pluck().get() as number | undefined) ?? 0;
      await until(() => beat() >= before, "the reader's probe write", 5_000);
      assert.equal((await fetch(`http://127.0.0.1:${serve.port}/readyz`)).status, 200);
    } finally {
      lease.stop();
      db.close();
    }
  });
});
