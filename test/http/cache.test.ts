// Feeds as cheap as a static file: rendered once per content change, kept
// with their gzip and brotli forms, answered with 304s, invalidated by any
// writer of the database (this process or another).
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const feed = (title: string) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>C</title><link>https://cache.example/</link><description>d</description>
<item><guid>c1</guid><title>${title}</title><link>https://cache.example/c1</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate>
<description>${'A long summary that compresses well. '.repeat(20)}</description></item></channel></rss>`;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('the render cache and conditional GET', () => {
  let upstream: FixtureServer;
  let ctx: TestContext;
  let server: Server;
  let base: string;

  /** A request with exactly these headers; the body as the bytes on the wire. */
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<Raw>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  before(async () => {
    upstream = await serveFixtures({ '/c.rss': { body: feed('First title') } });
    ctx = testContext(configWithSources(`  - { slug: c, name: Cache Wire, url: "${upstream.url}/c.rss" }`));
    await runIngest(ctx, listSources(ctx.db));
    server = createServer(createApp(ctx)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    ctx.close();
    await upstream.close();
  });

  test('identity, gzip and brotli carry the same feed, each with its own strong ETag, Vary and Cache-Control', async () => {
    const plain = await get('/feeds/all.rss');
    const gz = await get('/feeds/all.rss', { 'accept-encoding': 'gzip' });
    const br = await get('/feeds/all.rss', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(gunzipSync(gz.body), plain.body);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);
    assert.ok(br.body.length < plain.body.length / 2, `brotli ${br.body.length} of ${plain.body.length} bytes`);
    for (const r of [plain, gz, br]) {
      assert.equal(r.headers.vary, 'Accept, Accept-Encoding, Authorization');
      assert.equal(r.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
      assert.equal(r.headers['content-type'], 'application/rss+xml; charset=utf-8');
      assert.equal(Number(r.headers['content-length']), r.body.length);
      assert.match(String(r.headers.etag), /^"[\w-]+"$/);
    }
    assert.equal(new Set([plain, gz, br].map((r) => r.headers.etag)).size, 3);
    assert.equal(plain.headers['last-modified'], 'Tue, 17 Nov 2026 08:15:00 GMT');
  });

  test('a compressed form is made when a client first asks for it, and kept: the cache grows by its bytes once', async () => {
    const cached = async () => Number(/^wirefeed_feed_cache_bytes (\d+)$/m.exec((await get('/metrics')).body.toString())?.[1]);
    const path = '/feeds/all.rss?limit=7';
    const plain = await get(path);
    assert.equal(plain.status, 200);
    const rendered = await cached();
    const gz = await get(path, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(await cached(), rendered + gz.body.length);
    await get(path, { 'accept-encoding': 'gzip' });
    assert.equal(await cached(), rendered + gz.body.length);
    const br = await get(path, { 'accept-encoding': 'br' });
    assert.equal(await cached(), rendered + gz.body.length + br.body.length);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);
  });

  test('gzip is used when brotli is refused by q=0', async () => {
    const r = await get('/feeds/all.rss', { 'accept-encoding': 'br;q=0, gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
  });

  test('If-None-Match answers 304 with the validators and no body, for any encoding of the same content', async () => {
    const plain = await get('/feeds/all.atom');
    const gz = await get('/feeds/all.atom', { 'accept-encoding': 'gzip' });
    for (const [etag, encoding] of [
      [plain.headers.etag, 'identity'],
      [gz.headers.etag, 'identity'],
      [`W/${plain.headers.etag}`, 'gzip'],
      [`"other", ${gz.headers.etag}`, 'br'],
    ] as const) {
      const r = await get('/feeds/all.atom', { 'if-none-match': String(etag), 'accept-encoding': encoding });
      assert.equal(r.status, 304, String(etag));
      assert.equal(r.body.length, 0);
      assert.ok(r.headers.etag);
      assert.equal(r.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
    }
    assert.equal((await get('/feeds/all.atom', { 'if-none-match': '"stale"' })).status, 200);
  });

  test('If-Modified-Since answers 304 when nothing is newer, and 200 otherwise', async () => {
    assert.equal((await get('/feeds/all.json', { 'if-modified-since': 'Tue, 17 Nov 2026 08:15:00 GMT' })).status, 304);
    assert.equal((await get('/feeds/all.json', { 'if-modified-since': 'Wed, 18 Nov 2026 00:00:00 GMT' })).status, 304);
    assert.equal((await get('/feeds/all.json', { 'if-modified-since': 'Tue, 17 Nov 2026 08:14:59 GMT' })).status, 200);
    assert.equal((await get('/feeds/all.json', { 'if-modified-since': 'not a date' })).status, 200);
  });

  test('HEAD carries the headers of GET and no body', async () => {
    const get200 = await get('/feeds/all.rss', { 'accept-encoding': 'gzip' });
    const head = await get('/feeds/all.rss', { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    for (const name of ['etag', 'content-type', 'content-length', 'content-encoding', 'last-modified', 'vary']) {
      assert.equal(head.headers[name], get200.headers[name], name);
    }
  });

  test('a feed is rendered once per content change: a change no trigger sees is not shown until the content moves', async () => {
    const before = await get('/feeds/all.json');
    // Behind the cache's back (no content version bump): the cached body stays.
    ctx.db.prepare('DELETE FROM article_tags').run();
    ctx.db.prepare("UPDATE sources SET last_error = 'x'").run();
    const cached = await get('/feeds/all.json');
    assert.equal(cached.headers.etag, before.headers.etag);
    assert.deepEqual(cached.body, before.body);
  });

  test('an ingest that changes an article invalidates the cache and moves the ETag', async () => {
    const before = await get('/feeds/all.json');
    upstream.routes.set('/c.rss', { body: feed('Second title') });
    ctx.db.prepare('UPDATE sources SET next_due_at = 0').run();
    const [result] = await runIngest(ctx, listSources(ctx.db));
    assert.equal(result?.itemsUpdated, 1);
    const after = await get('/feeds/all.json');
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.match(after.body.toString(), /Second title/);
    assert.equal((await get('/feeds/all.json', { 'if-none-match': String(before.headers.etag) })).status, 200);
  });

  test('a write from another connection (a CLI ingest, say) invalidates the cache too', async () => {
    const before = await get('/feeds/all.rss');
    const other = new Database(ctx.cfg.databasePath);
    try {
      other.prepare("UPDATE articles SET title = 'Edited elsewhere'").run();
    } finally {
      other.close();
    }
    const after = await get('/feeds/all.rss');
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.match(after.body.toString(), /Edited elsewhere/);
  });

  test('pages with different parameters are cached apart, whatever the parameter order', async () => {
    const two = await get('/feeds/all.json?limit=1&x=1');
    const same = await get('/feeds/all.json?x=1&limit=1');
    assert.equal(two.headers.etag, same.headers.etag);
    assert.equal(JSON.parse(two.body.toString()).items.length, 1);
  });
});
