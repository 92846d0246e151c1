// GET /opml: every feed we publish, as an OPML 2.0 subscription list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import xml2js from 'xml2js';
import { createApp } from '../../src/http/app.js';
import { readOpml } from '../../src/opml/opml.js';
import { type TestContext, demoContext } from '../helpers.js';

const base = 'http://localhost:8080';

describe('the OPML list of our feeds', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('lists all, each category, each source and each tag as RSS, each URL a working feed', async () => {
    const res = await request(app).get('/opml').expect(200);
    assert.equal(res.headers['content-type'], 'text/x-opml; charset=utf-8');
    const opml = await readOpml(res.text);
    assert.equal(opml.title, 'The Demo Desk: feeds');
    const count = (sql: string) => ctx.db.prepare(sql).pluck().get() as number;
    // Categories with no story yet are not advertised (their feeds still answer).
    const expected = 1 + count('SELECT count(DISTINCT category_slug) FROM article_categories') + count('SELECT count(*) FROM sources') + count('SELECT count(DISTINCT slug) FROM article_tags');
    assert.equal(opml.feeds.length, expected);
    const urls = opml.feeds.map((f) => f.xmlUrl ?? '');
    for (const path of ['/feeds/all.rss', '/feeds/categories/climate.rss', '/feeds/sources/harbor-wire.rss', '/feeds/tags/port-elling.rss']) {
      assert.ok(urls.includes(`${base}${path}`), path);
    }
    for (const url of urls) {
      assert.ok(url.startsWith(`${base}/feeds/`) && url.endsWith('.rss'), url);
      const feed = await request(app).get(url.slice(base.length)).expect(200);
      assert.equal(feed.headers['content-type'], 'application/rss+xml; charset=utf-8');
    }
  });

  test('every outline has type="rss", a title, an xmlUrl and an htmlUrl (a source its own site)', async () => {
    const res = await request(app).get('/opml').expect(200);
    const doc = await xml2js.parseStringPromise(res.text);
    assert.equal(doc.opml.$.version, '2.0');
    const outlines = doc.opml.body[0].outline.map((o: { $: Record<string, string> }) => o.$);
    for (const o of outlines) {
      assert.equal(o.type, 'rss');
      assert.ok(o.title && o.text && o.xmlUrl && o.htmlUrl, JSON.stringify(o));
    }
    const harbor = outlines.find((o: { xmlUrl: string }) => o.xmlUrl.endsWith('/feeds/sources/harbor-wire.rss'));
    assert.equal(harbor.title, 'The Demo Desk: Harbor Wire');
    assert.equal(harbor.htmlUrl, ctx.db.prepare("SELECT site_url FROM sources WHERE slug = 'harbor-wire'").pluck().get());
    const all = outlines.find((o: { xmlUrl: string }) => o.xmlUrl === `${base}/feeds/all.rss`);
    assert.deepEqual([all.title, all.htmlUrl], ['The Demo Desk', `${base}/`]);
  });

  test('is the same bytes until the feeds change', async () => {
    const first = await request(app).get('/opml').expect(200);
    const second = await request(app).get('/opml').expect(200);
    assert.equal(first.text, second.text);
    await request(app).get('/opml').set('If-None-Match', first.headers.etag ?? '').expect(304);
  });
});
