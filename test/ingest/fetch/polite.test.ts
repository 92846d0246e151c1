// Polite fetching through a real ingest: conditional GET, permanent
// redirects, back-off, Retry-After, and one request at a time per host.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { runIngest } from '../../../src/ingest/run.js';
import { findSourceBySlug, listSources } from '../../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../../helpers.js';

const feed = (guid: string) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Polite</title><link>https://polite.example/</link><description>d</description>
<item><guid>${guid}</guid><title>Story ${guid}</title><link>https://polite.example/${guid}</link>
<pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate><description>About ${guid}.</description></item>
</channel></rss>`;

describe('polite fetching', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  const requests: { path: string; ifNoneMatch?: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const slow = (body: string) => (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
    }, 40);
  };

  before(async () => {
    server = await serveFixtures({
      '/etag.rss': (req, res) => {
        requests.push({ path: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
        if (req.headers['if-none-match'] === '"e1"') res.writeHead(304).end();
        else res.writeHead(200, { etag: '"e1"', 'content-type': 'application/rss+xml' }).end(feed('e1'));
      },
      '/old.rss': (_req, res) => {
        res.writeHead(301, { location: '/new.rss' }).end();
      },
      '/new.rss': { body: feed('n1') },
      '/busy.rss': (_req, res) => {
        res.writeHead(503, { 'retry-after': '7200' }).end('busy');
      },
      '/broken.rss': { body: 'oops', status: 500 },
      '/a.rss': slow(feed('a1')),
      '/b.rss': slow(feed('b1')),
      '/c.rss': slow(feed('c1')),
    });
    ctx = testContext(
      configWithSources(`  - { slug: etag, name: Etag, url: "${server.url}/etag.rss", every: 10m }
  - { slug: moved, name: Moved, url: "${server.url}/old.rss" }
  - { slug: busy, name: Busy, url: "${server.url}/busy.rss", every: 10m }
  - { slug: broken, name: Broken, url: "${server.url}/broken.rss", every: 10m }
  - { slug: a, name: A, url: "${server.url}/a.rss" }
  - { slug: b, name: B, url: "${server.url}/b.rss" }
  - { slug: c, name: C, url: "${server.url}/c.rss" }`),
    );
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  const ingest = (...slugs: string[]) => runIngest(ctx, listSources(ctx.db).filter((s) => slugs.includes(s.slug)));
  const row = (slug: string) => ctx.db.prepare('SELECT * FROM sources WHERE slug = ?').get(slug) as Record<string, number | string | null>;

  test('a second poll sends the stored ETag and a 304 costs no parse and no write', async () => {
    const [first] = await ingest('etag');
    assert.deepEqual([first?.status, first?.itemsNew], ['ok', 1]);
    assert.equal(row('etag').etag, '"e1"');
    const changesBefore = ctx.db.prepare('SELECT total_changes()').pluck().get() as number;
    const [second] = await ingest('etag');
    assert.deepEqual([second?.status, second?.httpStatus, second?.itemsSeen, second?.itemsNew], ['not-modified', 304, 0, 0]);
    assert.deepEqual(requests.map((r) => r.ifNoneMatch), [undefined, '"e1"']);
    // Only the source's own bookkeeping and the run's record were written.
    const writes = (ctx.db.prepare('SELECT total_changes()').pluck().get() as number) - changesBefore;
    assert.ok(writes <= 4, `${writes} rows written for a 304`);
    assert.equal(row('etag').last_status, 'not-modified');
    assert.equal(row('etag').items_seen, 1, 'items seen is kept from the last full fetch');
  });

  test('a permanent redirect moves the stored fetch URL, and later polls go straight there', async () => {
    const [result] = await ingest('moved');
    assert.equal(result?.status, 'ok');
    assert.equal(row('moved').fetch_url, `${server.url}/new.rss`);
    assert.equal(row('moved').url, `${server.url}/old.rss`, 'the configured URL is kept as written');
    assert.equal(findSourceBySlug(ctx.db, 'moved')?.fetchUrl, `${server.url}/new.rss`);
  });

  test('a 503 with Retry-After is not polled again before the server asked', async () => {
    const before = Date.now();
    const [result] = await ingest('busy');
    assert.deepEqual([result?.status, result?.httpStatus], ['error', 503]);
    const due = row('busy').next_due_at as number;
    assert.ok(due - before >= 7200_000 - 1000, `next due in ${(due - before) / 1000}s`);
  });

  test('failures in a row back off exponentially, capped, and a success resets them', async () => {
    const gaps: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [result] = await ingest('broken');
      assert.equal(result?.status, 'error');
      const r = row('broken');
      gaps.push(Math.round(((r.next_due_at as number) - (r.last_fetched_at as number)) / 60_000));
    }
    // every: 10m → 20, 40, 80 … minutes, capped at the 24 hours default.
    assert.deepEqual(gaps, [20, 40, 80, 160, 320, 640, 1280, 1440]);
    assert.equal(row('broken').error_count, 8);
    server.routes.set('/broken.rss', { body: feed('x1') });
    await ingest('broken');
    const r = row('broken');
    assert.deepEqual([r.error_count, ((r.next_due_at as number) - (r.last_fetched_at as number)) / 60_000], [0, 10]);
  });

  test('sources on one host are fetched one at a time, whatever the concurrency', async () => {
    maxInFlight = 0;
    const results = await ingest('a', 'b', 'c');
    assert.deepEqual(results.map((r) => r.status), ['ok', 'ok', 'ok']);
    assert.equal(maxInFlight, 1);
  });
});
