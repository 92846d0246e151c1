// The fast path for cached public feeds answers exactly as Express does the
// first time: same status, headers and bytes for every encoding, 304s and
// HEAD; it never serves a stale body, never a partner's request, and its
// requests are logged and counted like the others.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { createMetrics, type Metrics } from '../../src/observe/metrics.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

type Line = Record<string, unknown>;

/** Everything but the per-response Date, which may tick between two answers. */
const lasting = (headers: Record<string, string>) => {
  const { date: _date, ...rest } = headers;
  return rest;
};

describe('the fast path for cached feeds', () => {
  let ctx: TestContext;
  let app: App;
  let metrics: Metrics;
  const lines: Line[] = [];

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
    ctx = testContext(configWithSources(source, '', false));
    await runIngest(ctx, listSources(ctx.db));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line));
        done();
      },
    });
    metrics = createMetrics();
    app = createApp({ ...ctx, log: createLog('info', sink) }, { metrics });
  });
  after(() => ctx.close());

  /** The first answer (rendered by Express) and the second (from the cache, ahead of Express). */
  async function twice(path: string, headers: Record<string, string> = {}, method: 'get' | 'head' = 'get') {
    const send = () => {
      const req = request(app)[method](path).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      for (const [name, value] of Object.entries(headers)) req.set(name, value);
      return req;
    };
    return [await send(), await send()] as const;
  }

  for (const [name, path, headers] of [
    ['identity', '/feeds/all.rss', {}],
    ['gzip', '/feeds/all.atom?limit=3', { 'Accept-Encoding': 'gzip' }],
    ['brotli', '/feeds/categories/climate.json', { 'Accept-Encoding': 'gzip, br' }],
  ] as const) {
    test(`${name}: the cached answer has the first answer's status, headers and bytes`, async () => {
      const [first, second] = await twice(path, headers);
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.deepEqual(lasting(second.headers), lasting(first.headers));
      assert.ok(Buffer.isBuffer(second.body) && second.body.length > 0);
      assert.ok((second.body as Buffer).equals(first.body as Buffer));
    });
  }

  test('304s for If-None-Match and If-Modified-Since, and HEAD, match Express too', async () => {
    const etag = (await request(app).get('/feeds/all.json')).headers.etag!;
    const [a, b] = await twice('/feeds/all.json', { 'If-None-Match': etag });
    assert.equal(a.status, 304);
    assert.equal(b.status, 304);
    assert.deepEqual(lasting(b.headers), lasting(a.headers));
    const since = (await request(app).get('/feeds/all.json')).headers['last-modified']!;
    const [c, d] = await twice('/feeds/all.json', { 'If-Modified-Since': since });
    assert.equal(c.status, 304);
    assert.deepEqual(lasting(d.headers), lasting(c.headers));
    const [e, f] = await twice('/feeds/sources/demo-desk.rss', {}, 'head');
    assert.equal(e.status, 200);
    assert.deepEqual(lasting(f.headers), lasting(e.headers));
    assert.ok(Number(f.headers['content-length']) > 0);
  });

  test('a change to the content is served at once, not the cached body', async () => {
    const before = (await request(app).get('/feeds/all.json?limit=1')).body as { items: { title: string; url: string }[] };
    await request(app).get('/feeds/all.json?limit=1').expect(200);
    ctx.db.prepare('UPDATE articles SET title = ? WHERE url = ?').run('A headline changed just now', before.items[0]?.url);
    const after = (await request(app).get('/feeds/all.json?limit=1').expect(200)).body as { items: { title: string }[] };
    assert.notEqual(before.items[0]?.title, 'A headline changed just now');
    assert.equal(after.items[0]?.title, 'A headline changed just now');
  });

  test("a cached public URL asked with a partner's key gets the partner's tier, and a bad key a 401", async () => {
    const { key } = createPartner(ctx.db, 'Fast Partner', { fullText: true, categories: [] });
    const [publicAnswer] = await twice('/feeds/all.json');
    assert.equal(publicAnswer.headers['cache-control']?.startsWith('public'), true);
    const partner = await request(app).get('/feeds/all.json').set('Authorization', `Bearer ${key}`).expect(200);
    assert.match(partner.headers['cache-control'] ?? '', /^private/);
    assert.ok((partner.body as { items: { content_html?: string }[] }).items.some((i) => i.content_html));
    await request(app).get('/feeds/all.json').set('Authorization', 'Bearer not-a-key').expect(401);
  });

  test('each cached answer is one request log line and one count, named by its route pattern', async () => {
    await twice('/feeds/tags/business.rss?limit=2');
    await new Promise((resolve) => setImmediate(resolve));
    const logged = lines.filter((l) => l.event === 'request' && l.url === '/feeds/tags/business.rss?limit=2');
    assert.equal(logged.length, 2);
    for (const line of logged) {
      assert.equal(line.route, '/feeds/tags/:slug.:format');
      assert.equal(line.status, 200);
      assert.ok(Number(line.bytes) > 0);
    }
    assert.equal(logged[0]?.bytes, logged[1]?.bytes);
    const text = await metrics.registry.metrics();
    assert.match(text, /wirefeed_http_requests_total\{method="GET",route="\/feeds\/tags\/:slug.:format",status="200"\} 2/);
  });
});
