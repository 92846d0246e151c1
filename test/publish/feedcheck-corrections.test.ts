// Conformance of partners' feeds carrying a correction notice
// (wirefeed:corrected in RSS and Atom, _wirefeed.correction in JSON Feed):
// every consumer of shared/tools/feedcheck accepts them and reads every
// item, on the demo data with one article corrected in title, summary and
// body. Skipped, with the reason, where feedcheck is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { assertEveryItemRead, feedcheckUnavailable, listenOnLoopback, type LoopbackServer, testContext, type TestContext } from '../helpers.js';

describe('feedcheck conformance of partners\' feeds with a correction notice', async () => {
  const skip = await feedcheckUnavailable();
  const token = 'test-admin-token-0123456789';
  const auth = { Authorization: `Bearer ${token}` };
  let ctx: TestContext;
  let server: LoopbackServer;
  let base: string;
  let key = '';
  const feeds = ['/feeds/all', '/feeds/categories/climate', '/feeds/sources/admin'];

  before(async () => {
    if (skip) return;
    ctx = testContext(undefined, { WIREFEED_ADMIN_TOKEN: token });
    await runIngest(ctx, listSources(ctx.db));
    const app = createApp(ctx);
    const article = { title: 'Barrier gates tested', summary: 'All twelve closed.', content_html: '<p>All twelve gates closed.</p>', url: 'https://demodesk.example/news/gates-tested', categories: ['climate'] };
    const id = String((await request(app).post('/admin/articles').set(auth).send(article).expect(201)).body.id).split('/').pop();
    // A previous title and summary with characters XML must escape.
    const fixed = { ...article, title: 'Barrier gates <tested> & "passed"', summary: 'Eleven of twelve closed; one & a half stuck.', content_html: '<p>Eleven gates closed.</p>' };
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, title: 'Barrier gates & "tests" <1>' }).expect(200);
    await request(app).put(`/admin/articles/${id}`).set(auth).send(fixed).expect(200);
    key = createPartner(ctx.db, 'Climate Weekly', { fullText: true, categories: [] }).key;
    server = await listenOnLoopback(app);
    base = server.base;
  });

  after(async () => {
    if (skip) return;
    await server.close();
    ctx.close();
  });

  test('RSS, Atom and JSON Feed pass every consumer, every item read, the notice among them', { skip }, async () => {
    for (const feed of feeds) {
      for (const format of ['rss', 'atom', 'json']) {
        const url = `${base}${feed}.${format}?key=${key}`;
        const body = await fetch(url).then((r) => r.text());
        assert.ok(body.includes('<wirefeed:corrected ') || body.includes('"correction"'), url);
        assert.ok(body.includes('previousSummary') || body.includes('"previous_summary": "All twelve closed."'), url);
        await assertEveryItemRead(url, body);
      }
    }
  });
});
