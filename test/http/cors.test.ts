// CORS: public feeds and public JSON answer any origin and their preflights;
// a partner's answers never do and stay private; /admin is never open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;

describe('CORS', () => {
  let ctx: TestContext;
  let app: App;
  let key: string;

  before(async () => {
    ctx = testContext(configWithSources(source, '', false).replace('site:\n', 'site:\n  language: en\n').replace('publish:\n', 'publish:\n  hub: https://hub.example/\n') + '\nadmin:\n  token: an-admin-token-of-some-length\n');
    await runIngest(ctx, listSources(ctx.db));
    key = createPartner(ctx.db, 'Wire Partner', { fullText: true, categories: [] }).key;
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('public feeds, from Express and from the fast path, and their 304s, are open to any origin and expose the validators and Link', async () => {
    for (const path of ['/feeds/all.rss', '/feeds/all.rss', '/feeds/categories/climate.atom', '/feeds/all.json']) {
      const res = await request(app).get(path).set('Origin', 'https://reader.example').expect(200);
      assert.equal(res.headers['access-control-allow-origin'], '*', path);
      assert.equal(res.headers['access-control-expose-headers'], 'ETag, Last-Modified, Link');
      const again = await request(app).get(path).set('If-None-Match', res.headers.etag ?? '').expect(304);
      assert.equal(again.headers['access-control-allow-origin'], '*');
    }
  });

  test('public JSON routes are open to any origin', async () => {
    for (const path of ['/categories', '/sources']) {
      const res = await request(app).get(path).expect(200);
      assert.equal(res.headers['access-control-allow-origin'], '*', path);
    }
  });

  test('a preflight is a 204 with the methods and conditional headers allowed', async () => {
    const res = await request(app)
      .options('/feeds/all.json')
      .set('Origin', 'https://reader.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'if-none-match')
      .expect(204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
    assert.match(String(res.headers['access-control-allow-headers']), /If-None-Match/);
    assert.match(String(res.headers['access-control-allow-headers']), /If-Modified-Since/);
    assert.doesNotMatch(String(res.headers['access-control-allow-headers']), /Authorization/);
  });

  test('a partner answer, by header or by query key, is private and carries no CORS header', async () => {
    for (const req of [request(app).get('/feeds/all.json').set('Authorization', `Bearer ${key}`), request(app).get(`/feeds/all.rss?key=${key}`), request(app).get(`/categories?key=${key}`)]) {
      const res = await req.expect(200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.equal(res.headers['access-control-expose-headers'], undefined);
    }
    const feed = await request(app).get('/feeds/all.json').set('Authorization', `Bearer ${key}`).expect(200);
    assert.match(String(feed.headers['cache-control']), /^private/);
  });

  test('admin routes are never open to other origins', async () => {
    const res = await request(app).get('/admin/sources').set('Authorization', 'Bearer an-admin-token-of-some-length').set('Origin', 'https://evil.example');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await request(app).options('/admin/sources').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.notEqual(preflight.status, 204);
  });
});
