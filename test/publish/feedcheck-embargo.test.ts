// Conformance of what a partner permitted to see embargoed articles gets
// before their time: RSS and Atom with <wirefeed:embargo until>, JSON Feed
// with `_wirefeed.embargo`, run through the independent consumers of
// shared/tools/feedcheck; every item is still read, the held one among them.
// Skipped, with the reason, where feedcheck is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { assertEveryItemRead, feedcheckUnavailable, listenOnLoopback, type LoopbackServer, testContext, type TestContext } from '../helpers.js';

describe('feedcheck conformance of a partner\'s feeds with an embargoed item', async () => {
  const skip = await feedcheckUnavailable();
  const token = 'test-admin-token-0123456789';
  let ctx: TestContext;
  let server: LoopbackServer;
  let base: string;
  let key = '';

  before(async () => {
    if (skip) return;
    ctx = testContext(undefined, { WIREFEED_ADMIN_TOKEN: token });
    await runIngest(ctx, listSources(ctx.db));
    const app = createApp(ctx);
    const article = {
      title: 'Flood barrier report & "findings" <held>',
      summary: 'The inquiry reports at noon.',
      content_html: '<p>The inquiry found the barrier sound.</p>',
      url: 'https://demodesk.example/news/barrier-report',
      categories: ['climate'],
      embargo_until: new Date(Date.now() + 3_600_000).toISOString(),
    };
    await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201);
    key = createPartner(ctx.db, 'Early Desk', { fullText: true, categories: [], embargoed: true }).key;
    server = await listenOnLoopback(app);
    base = server.base;
  });

  after(async () => {
    if (skip) return;
    await server.close();
    ctx.close();
  });

  test('RSS, Atom and JSON Feed with the embargo mark pass every consumer, every item read', { skip }, async () => {
    for (const feed of ['/feeds/all', '/feeds/categories/climate']) {
      for (const format of ['rss', 'atom', 'json']) {
        const url = `${base}${feed}.${format}?key=${key}`;
        const body = await fetch(url).then((r) => r.text());
        assert.ok(body.includes('wirefeed:embargo') || body.includes('"embargo"'), url);
        await assertEveryItemRead(url, body);
      }
    }
  });
});
