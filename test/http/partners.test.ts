// Syndication partners through HTTP: keys in the header or the query, tiers
// (full text, categories), revocation, the rate limit, and cache isolation
// between the public and each partner.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { RateLimiter } from '../../src/http/partner.js';
import { runIngest } from '../../src/ingest/run.js';
import { PartnerUsage } from '../../src/store/partner-usage.js';
import { createPartner, listPartners, revokePartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

type Item = { url: string; content_html?: string; content_text?: string; _wirefeed: { categories: { slug: string }[] } };

describe('partner keys and tiers', () => {
  let ctx: TestContext;
  let app: App;
  let usage: PartnerUsage;
  let fullKey: string;
  let climateKey: string;

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
    // Summaries for the public; a small rate limit to reach.
    ctx = testContext(
      configWithSources(source, '', false).replace('publish:\n', 'publish:\n  partner_requests_per_minute: 30\n'),
    );
    await runIngest(ctx, listSources(ctx.db));
    fullKey = createPartner(ctx.db, 'Wire Partner', { fullText: true, categories: [] }).key;
    climateKey = createPartner(ctx.db, 'Climate Weekly', { fullText: false, categories: ['climate'] }).key;
    usage = new PartnerUsage(ctx.db, ctx.log);
    app = createApp(ctx, { partnerUsage: usage });
  });

  after(() => {
    usage.close();
    ctx.close();
  });

  const items = (res: request.Response) => res.body.items as Item[];

  test('the public gets summaries; a full-text partner gets the full text, by header or by query key', async () => {
    ctx.db.prepare("UPDATE articles SET rights = '© 2026 The Demo Desk'").run();
    const pub = await request(app).get('/feeds/all.json').expect(200);
    assert.equal(pub.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
    const byHeader = await request(app).get('/feeds/all.json').set('Authorization', `Bearer ${fullKey}`).expect(200);
    assert.ok(items(byHeader).every((i) => i.content_html && i.content_html.length > 100));
    // The public body is the summary (with the image and lists around it), never the full text.
    const fullBody = new Map(items(byHeader).map((i) => [i.url, i.content_html ?? '']));
    for (const i of items(pub)) {
      assert.equal(i.content_text, undefined);
      assert.ok(i.content_html && i.content_html.length < (fullBody.get(i.url) ?? '').length, i.url);
    }
    assert.equal(byHeader.headers['cache-control'], 'private, max-age=300');
    assert.match(String(byHeader.headers.vary), /Authorization/);
    const byQuery = await request(app).get(`/feeds/all.rss?key=${fullKey}`).expect(200);
    assert.match(byQuery.text, /<content:encoded>/);
    // The item's rights go with the full text.
    const rights = (body: { items: { _wirefeed: { rights?: string } }[] }) => body.items.map((i) => i._wirefeed.rights);
    assert.ok(rights(pub.body).every((r) => r === undefined));
    assert.ok(rights(byHeader.body).every((r) => r === '© 2026 The Demo Desk'), JSON.stringify(rights(byHeader.body)));
  });

  test('a cached partner body never reaches the public, and the public one never reaches the partner', async () => {
    await request(app).get('/feeds/all.atom').set('Authorization', `Bearer ${fullKey}`).expect(200);
    const pub = await request(app).get('/feeds/all.atom').expect(200);
    const partner = await request(app).get('/feeds/all.atom').set('Authorization', `Bearer ${fullKey}`).expect(200);
    assert.ok(partner.text.length > pub.text.length);
    assert.notEqual(partner.headers.etag, pub.headers.etag);
  });

  test('a partner limited to categories sees only those, in every feed, and no other category feed', async () => {
    const all = await request(app).get('/feeds/all.json').set('Authorization', `Bearer ${climateKey}`).expect(200);
    assert.ok(items(all).length >= 2);
    assert.ok(items(all).every((i) => i._wirefeed.categories.some((c) => c.slug === 'climate')));
    const everyone = await request(app).get('/feeds/all.json').expect(200);
    assert.ok(items(everyone).length > items(all).length);
    const source = await request(app).get('/feeds/sources/demo-desk.json').set('Authorization', `Bearer ${climateKey}`).expect(200);
    assert.deepEqual(items(source).map((i) => i.url), items(all).map((i) => i.url));
    const search = await request(app).get('/feeds/search.json?q=strike').set('Authorization', `Bearer ${climateKey}`).expect(200);
    assert.equal(items(search).length, 0, 'the rail strike stories are not climate stories');
    await request(app).get('/feeds/categories/climate.rss').set('Authorization', `Bearer ${climateKey}`).expect(200);
    await request(app).get('/feeds/categories/sports.rss').set('Authorization', `Bearer ${climateKey}`).expect(404);
  });

  test('an unknown or revoked key is refused, not served the public feed', async () => {
    const unknown = await request(app).get('/feeds/all.rss').set('Authorization', 'Bearer wf_nobody').expect(401);
    assert.match(String(unknown.headers['www-authenticate']), /^Bearer/);
    const { key } = createPartner(ctx.db, 'Former Partner', { fullText: true, categories: [] });
    await request(app).get(`/feeds/all.rss?key=${key}`).expect(200);
    assert.ok(revokePartner(ctx.db, 'Former Partner'));
    await request(app).get(`/feeds/all.rss?key=${key}`).expect(401);
  });

  test('requests are counted per key, and past the budget a key gets 429 with Retry-After', async () => {
    const { key, partner } = createPartner(ctx.db, 'Busy Partner', { fullText: false, categories: [] });
    let last: request.Response | undefined;
    for (let i = 0; i < 31; i++) last = await request(app).get(`/feeds/all.json?key=${key}&n=${i}`);
    assert.equal(last?.status, 429);
    assert.ok(Number(last?.headers['retry-after']) >= 1);
    assert.ok(usage.flush());
    assert.equal(listPartners(ctx.db).find((p) => p.name === 'Busy Partner')?.requests, 30);
    const metrics = await request(app).get('/metrics').expect(200);
    assert.match(metrics.text, new RegExp(`wirefeed_partner_requests_total\\{partner_id="${partner.id}"\\} 30`));
    assert.doesNotMatch(metrics.text, /Busy Partner/, 'the public /metrics never names a partner');
  });

  test('while another connection holds the write lock, partner requests are answered at once, and counted once it is gone', async () => {
    const { key, partner } = createPartner(ctx.db, 'Patient Partner', { fullText: false, categories: [] });
    const stored = () => listPartners(ctx.db).find((p) => p.id === partner.id);
    assert.equal(ctx.db.pragma('busy_timeout', { simple: true }), 5000, "the connection's own busy_timeout, as serve has it");
    // Flushes every few milliseconds: they meet the lock too, and must neither wait for it nor lose a count.
    const eager = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: 5 });
    const locked = createApp(ctx, { partnerUsage: eager });
    const other = new Database(ctx.cfg.databasePath);
    const took: number[] = [];
    try {
      other.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await request(locked).get(`/categories?key=${key}&n=${i}`).expect(200);
        took.push(performance.now() - started);
        // A write on the request's path waits out busy_timeout (5 s) here; the bound only tells waiting from not.
        assert.ok(took[i]! < 500, `request ${i} took ${Math.round(took[i]!)} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 30)); // timer flushes meet the lock meanwhile
      assert.equal(eager.flush(), false, 'the lock is still held');
      assert.equal(stored()?.requests, 0);
      assert.equal(eager.unwritten, 20);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.ok(eager.close());
    assert.equal(stored()?.requests, 20);
    assert.ok(stored()?.lastRequestAt, 'the last request time is stored with the count');
  });
});

test('the rate limiter refills over time', () => {
  const limiter = new RateLimiter(60);
  const t0 = 1_000_000;
  for (let i = 0; i < 60; i++) assert.deepEqual(limiter.take(1, t0), { ok: true });
  assert.deepEqual(limiter.take(1, t0), { ok: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take(2, t0), { ok: true }, 'each key has its own budget');
  assert.deepEqual(limiter.take(1, t0 + 1000), { ok: true });
});
