// Graceful shutdown of `wirefeed serve`, as a real process and a real TCP
// client. No test-only route is needed to hold a request open: the client
// itself is slow. It sends the first lines of a request's headers and keeps
// the blank line that ends them until after SIGTERM. From its first byte the
// server counts that request as in flight (Node no longer treats the connection as idle),
// so a graceful stop must wait for the rest, answer it in full and only then
// close. A new connection made after the signal must be refused.
//
// Then a server with a short grace, one of whose sources never answers: it
// stops within the grace, the hung fetch aborted and recorded as interrupted,
// what the other source stored kept, a request that never completes cut.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type FixtureServer, serveFixtures, until } from '../helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe('wirefeed serve stopping on SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-shutdown-'));
  let serve: ServeProcess | undefined;
  let socket: Socket | undefined;

  after(() => {
    socket?.destroy();
    serve?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a request in flight when SIGTERM arrives gets its full response; new connections are refused; exit 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'w.db') };
    delete env.WIREFEED_CONFIG; // the demo configuration
    delete env.WIREFEED_LOG_LEVEL;
    serve = await startServe({ env });
    const { port, log } = serve;
    // Every demo source has been stored, so the feed asked for below has items.
    await until(() => (log().match(/"event":"source_refreshed"/g) ?? []).length === 4, 'the ingest at start');

    socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    const closed = once(socket, 'close');

    // A first, complete request: the server has accepted this connection and keeps it alive.
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => received.toString().endsWith('ok\n'), 'the /healthz answer');
    received = Buffer.alloc(0);

    // The second request begins; the server reads these lines and waits for the rest.
    socket.write('GET /feeds/all.json?limit=200 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n');
    await sleep(300);
    serve.child.kill('SIGTERM');
    await until(() => /"event":"shutdown","signal":"SIGTERM"/.test(log()), 'the shutdown to begin');

    const refused = connect(port, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED', 'no new connection once stopping');

    socket.write('\r\n'); // the request is complete: the server must still answer it
    await closed; // and then close the connection, now idle

    const text = received.toString('latin1');
    const split = text.indexOf('\r\n\r\n');
    const head = text.slice(0, split);
    const body = received.subarray(split + 4);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/feed\+json; charset=utf-8\r\n/i);
    assert.equal(Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]), body.length, 'the whole body arrived');
    const feed = JSON.parse(body.toString('utf8')) as { items: unknown[] };
    assert.ok(feed.items.length > 0, 'the feed of the ingested demo sources');

    assert.equal(await serve.exited, 0);
    assert.match(log(), /"event":"stopped","connections_cut":0/);
  });
});

describe('wirefeed serve stopping on SIGTERM while a fetch hangs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-shutdown-hang-'));
  const graceMs = 2_000;
  let hanging: FixtureServer;
  let quick: FixtureServer;
  const hung: IncomingMessage[] = [];
  let serve: ServeProcess | undefined;
  const log = () => serve?.log() ?? '';
  let port = 0;

  before(async () => {
    // Two servers: two hosts, fetched at the same time.
    hanging = await serveFixtures({ '/hang.rss': (req) => void hung.push(req) });
    const item = '<item><title>Quick one</title><link>https://quick.test/1</link><guid>https://quick.test/1</guid></item>';
    const body = `<rss version="2.0"><channel><title>Quick</title><link>https://quick.test/</link><description>q</description>${item}</channel></rss>`;
    quick = await serveFixtures({ '/quick.rss': { body, type: 'application/rss+xml' } });
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `site:
  title: Test Desk
  base_url: http://feeds.test
  author: Test Desk
server:
  idle_timeout_seconds: 0.5
  shutdown_grace_seconds: ${graceMs / 1000}
ingest:
  concurrency: 2
  timeout_seconds: 60
sources:
  - { slug: hang, name: Hang, url: "${hanging.url}/hang.rss" }
  - { slug: quick, name: Quick, url: "${quick.url}/quick.rss" }
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_CONFIG: config, WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'w.db') };
    delete env.WIREFEED_LOG_LEVEL;
    serve = await startServe({ env });
    port = serve.port;
  });

  after(async () => {
    serve?.child.kill('SIGKILL');
    await Promise.all([hanging.close(), quick.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the server closes a connection that sends nothing after server.idle_timeout_seconds', async () => {
    const silent = connect(port, '127.0.0.1');
    await once(silent, 'connect');
    const opened = Date.now();
    await Promise.race([once(silent, 'close'), sleep(3_000)]);
    const elapsed = Date.now() - opened;
    silent.destroy();
    assert.ok(elapsed >= 400 && elapsed < 2_000, `closed after ${elapsed} ms`);
  });

  test('exits 0 within the grace: the hung fetch is aborted and recorded as interrupted, the other source\'s articles are kept', async () => {
    await until(() => /"event":"source_refreshed","source":"quick","status":"ok"/.test(log()) && hung.length > 0, 'the ingest at start');
    const aborted = once(hung[0]!.socket, 'close');

    // A request that never completes: its headers keep coming, a byte at a time, so only the grace ends it.
    const slow = connect(port, '127.0.0.1');
    await once(slow, 'connect');
    slow.on('error', () => undefined);
    slow.write('GET /healthz HTTP/1.1\r\n');
    const trickle = setInterval(() => slow.writable && slow.write('X'), 100);

    const signalled = Date.now();
    serve!.child.kill('SIGTERM');
    const code = await Promise.race([serve!.exited, sleep(graceMs + 3_000).then(() => 'still running')]);
    const elapsed = Date.now() - signalled;
    clearInterval(trickle);
    slow.destroy();
    assert.equal(code, 0, `exit code (after ${elapsed} ms)`);
    assert.ok(elapsed < graceMs + 1_500, `stopped ${elapsed} ms after SIGTERM, the grace being ${graceMs} ms`);
    assert.ok(elapsed >= graceMs - 100, `the request in flight was given the grace (${elapsed} ms)`);
    await aborted;
    assert.match(log(), /"event":"source_refreshed","source":"hang","status":"interrupted"/);
    assert.match(log(), /"event":"stopped","connections_cut":1/);

    const db = new Database(join(dir, 'w.db'), { readonly: true, fileMustExist: true });
    try {
      const results = db.prepare('SELECT s.slug, r.status FROM ingest_results r JOIN sources s ON s.id = r.source_id ORDER BY s.slug').all();
      assert.deepEqual(results, [
        { slug: 'hang', status: 'interrupted' },
        { slug: 'quick', status: 'ok' },
      ]);
      assert.deepEqual(db.prepare("SELECT last_status, error_count FROM sources WHERE slug = 'hang'").get(), { last_status: 'interrupted', error_count: 0 });
      const titles = db.prepare("SELECT a.title FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = 'quick'").pluck().all();
      assert.deepEqual(titles, ['Quick one']);
    } finally {
      db.close();
    }
  });
});
