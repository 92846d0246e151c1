// The operator's routes through supertest against the real app: liveness,
// readiness (database and migrations) and Prometheus metrics.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { startScheduler } from '../../src/ingest/schedule.js';
import { listMigrations } from '../../src/store/db/db.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';

/** The value of the sample with exactly these labels, or undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(got).length && wanted.every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/healthz and /readyz', () => {
  let ctx: TestContext;
  before(() => {
    ctx = testContext();
  });
  after(() => ctx.close());

  test('/healthz answers "ok" as plain text, never cached', async () => {
    const res = await request(createApp(ctx)).get('/healthz').expect(200);
    assert.equal(res.text, 'ok\n');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('/readyz answers "ready" when the database answers and every migration is applied', async () => {
    const res = await request(createApp(ctx)).get('/readyz').expect(200);
    assert.equal(res.text, 'ready\n');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('/readyz is a 503 naming the migration the database lacks', async () => {
    const newest = listMigrations().at(-1);
    assert.ok(newest);
    ctx.db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(newest.version);
    try {
      const res = await request(createApp(ctx)).get('/readyz').expect(503);
      assert.equal(res.text, `not ready: migrations not applied: ${newest.name}\n`);
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    } finally {
      ctx.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(newest.version, newest.name, Date.now());
    }
  });

  test('/readyz is a 503 saying the database does not answer once it is closed, while /healthz still answers', async () => {
    const other = testContext();
    try {
      const app = createApp(other);
      other.db.close();
      const res = await request(app).get('/readyz').expect(503);
      assert.match(res.text, /^not ready: database: .*not open/);
      await request(app).get('/healthz').expect(200, 'ok\n');
    } finally {
      other.close();
    }
  });
});

describe('/metrics', () => {
  let ctx: TestContext;
  const metrics = createMetrics();

  before(async () => {
    ctx = testContext(
      configWithSources('  - { slug: good, name: Good, file: good.rss }\n  - { slug: broken, name: Broken, file: broken.rss }'),
    );
    writeFileSync(
      join(ctx.dir, 'good.rss'),
      `<rss version="2.0"><channel><title>Good</title><link>https://good.test/</link><description>Good</description>
<item><title>One</title><link>https://good.test/1</link><guid>https://good.test/1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Two</title><link>https://good.test/2</link><guid>https://good.test/2</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`,
    );
    writeFileSync(join(ctx.dir, 'broken.rss'), '<rss version="2.0"><channel><title>Broken</title><item><title>Oops</item></channel>');
    // The ingest goes through the scheduler, which tells the metrics what it did.
    const scheduler = startScheduler(ctx, metrics.ingest);
    const results = await scheduler.tick();
    await scheduler.stop();
    assert.deepEqual(results.map((r) => [r.source, r.status]), [['broken', 'error'], ['good', 'ok']]);
  });
  after(() => ctx.close());

  test('counts requests by route pattern and status, times them, and mirrors the feed cache', async () => {
    const app = createApp(ctx, { metrics });
    await request(app).get('/feeds/all.rss').expect(200); // rendered: a miss
    await request(app).get('/feeds/all.rss').expect(200); // from the cache: a hit
    await request(app).get('/feeds/sources/good.json').expect(200); // a miss
    const res = await request(app).get('/metrics').expect(200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const text = res.text;
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/all.:format', status: '200' }), 2);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/sources/:slug.:format', status: '200' }), 1);
    assert.equal(sample(text, 'wirefeed_http_request_duration_seconds_count', { method: 'GET', route: '/feeds/all.:format' }), 2);
    assert.equal(sample(text, 'wirefeed_http_request_duration_seconds_bucket', { method: 'GET', route: '/feeds/all.:format', le: '+Inf' }), 2);
    assert.equal(sample(text, 'wirefeed_feed_cache_hits_total'), 1);
    assert.equal(sample(text, 'wirefeed_feed_cache_misses_total'), 2);
    assert.ok((sample(text, 'wirefeed_feed_cache_bytes') ?? 0) > 0);

    // Counted once each, however often scraped, and counted on from there.
    await request(app).get('/feeds/all.rss').expect(200);
    const again = (await request(app).get('/metrics').expect(200)).text;
    assert.equal(sample(again, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/all.:format', status: '200' }), 3);
    assert.equal(sample(again, 'wirefeed_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }), 1);
    assert.equal(sample(again, 'wirefeed_http_request_duration_seconds_count', { method: 'GET', route: '/feeds/all.:format' }), 3);
  });

  test('puts each duration in the first bucket whose bound it does not exceed, and sums them', async () => {
    const own = createMetrics();
    const app = createApp(ctx, { metrics: own });
    for (const seconds of [0.0004, 0.001, 0.003, 0.3, 12]) own.observeRequest({ method: 'GET', route: '/feeds/all.:format', status: 304, seconds });
    const text = (await request(app).get('/metrics').expect(200)).text;
    const bucket = (le: string) => sample(text, 'wirefeed_http_request_duration_seconds_bucket', { method: 'GET', route: '/feeds/all.:format', le });
    assert.deepEqual(['0.001', '0.0025', '0.005', '0.25', '0.5', '10', '+Inf'].map(bucket), [2, 2, 3, 3, 4, 4, 5]);
    assert.equal(sample(text, 'wirefeed_http_request_duration_seconds_sum', { method: 'GET', route: '/feeds/all.:format' }), 0.0004 + 0.001 + 0.003 + 0.3 + 12);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/all.:format', status: '304' }), 5);
  });

  test('counts a 401 (a bad partner key, refused before routing) and a 405 under the route they were aimed at', async () => {
    const app = createApp(ctx, { metrics: createMetrics() });
    await request(app).get('/feeds/all.rss').set('Authorization', 'Bearer no-such-partner-key-0123').expect(401);
    await request(app).get('/articles/1.json').set('Authorization', 'Bearer no-such-partner-key-0123').expect(401);
    await request(app).post('/feeds/all.rss').expect(405);
    const text = (await request(app).get('/metrics').expect(200)).text;
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/all.:format', status: '401' }), 1);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/articles/:id.json', status: '401' }), 1);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'POST', route: '/feeds/all.:format', status: '405' }), 1);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: 'unmatched', status: '401' }), undefined);
  });

  test('names requests no route answered "unmatched", so that no raw URL becomes a label', async () => {
    const app = createApp(ctx, { metrics: createMetrics() });
    await request(app).get('/feeds/sources/no-such-source-42.rss').expect(404);
    await request(app).get('/wp-login.php?user=admin').expect(404);
    await request(app).get('/articles/9999').expect(404);
    const text = (await request(app).get('/metrics').expect(200)).text;
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/sources/:slug.:format', status: '404' }), 1);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1);
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/articles/:id', status: '404' }), 1);
    assert.doesNotMatch(text, /route="[^"]*(no-such-source|wp-login|9999)/);
  });

  test('counts ingest runs, new items and source errors by source', async () => {
    const text = (await request(createApp(ctx, { metrics })).get('/metrics').expect(200)).text;
    assert.equal(sample(text, 'wirefeed_ingest_runs_total'), 1);
    assert.equal(sample(text, 'wirefeed_ingest_items_total', { source: 'good', outcome: 'new' }), 2);
    assert.equal(sample(text, 'wirefeed_ingest_items_total', { source: 'good', outcome: 'updated' }), undefined);
    assert.equal(sample(text, 'wirefeed_ingest_source_errors_total', { source: 'broken' }), 1);
    assert.equal(sample(text, 'wirefeed_ingest_source_errors_total', { source: 'good' }), undefined);
  });

  test('carries the default process metrics', async () => {
    const text = (await request(createApp(ctx)).get('/metrics').expect(200)).text;
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      assert.ok(sample(text, name) !== undefined, `${name} in the metrics`);
    }
  });

  test('each app counts into its own registry: a second app does not see the first one\'s requests', async () => {
    const first = createApp(ctx);
    const second = createApp(ctx);
    await request(first).get('/feeds/all.atom').expect(200);
    const text = (await request(second).get('/metrics').expect(200)).text;
    assert.equal(sample(text, 'wirefeed_http_requests_total', { method: 'GET', route: '/feeds/all.:format', status: '200' }), undefined);
    assert.equal(sample(text, 'wirefeed_ingest_runs_total'), 0);
  });
});
