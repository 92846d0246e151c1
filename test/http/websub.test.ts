// The WebSub hub named in every format, so that subscribers can stop
// polling (WebSub section 4: discovery by rel="hub" and rel="self"): the
// built-in one at {base_url}/websub by default (test/hub/ tests it at
// work), another hub when publish.hub names one, none when both are off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, readWithFeedParser, type TestContext, testContext } from '../helpers.js';

const hub = 'https://hub.example/websub';
const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;

function app(ctx: TestContext): App {
  return createApp(ctx);
}

describe('a WebSub hub in the config', () => {
  let ctx: TestContext;

  before(async () => {
    ctx = testContext(configWithSources(source).replace('publish:\n', `publish:\n  hub: ${hub}\n`));
    await runIngest(ctx, listSources(ctx.db));
  });

  after(() => ctx.close());

  test('RSS names it in atom:link rel="hub" beside rel="self"', async () => {
    const res = await request(app(ctx)).get('/feeds/all.rss').expect(200);
    assert.ok(res.text.includes(`<atom:link href="${hub}" rel="hub"/>`), res.text.slice(0, 1200));
    assert.ok(res.text.includes('<atom:link href="http://feeds.test/feeds/all.rss" rel="self"'));
  });

  test('Atom names it in link rel="hub"', async () => {
    const res = await request(app(ctx)).get('/feeds/categories/climate.atom').expect(200);
    assert.ok(res.text.includes(`<link rel="hub" href="${hub}"/>`));
    assert.equal((await readWithFeedParser(res.text)).self, 'http://feeds.test/feeds/categories/climate.atom');
  });

  test('every feed answer, and its 304, names the hub and its canonical self URL in Link headers (WebSub 4)', async () => {
    for (const format of ['rss', 'atom', 'json']) {
      const res = await request(app(ctx)).get(`/feeds/categories/climate.${format}`).expect(200);
      const self = `http://feeds.test/feeds/categories/climate.${format}`;
      assert.equal(res.headers.link, `<${hub}>; rel="hub", <${self}>; rel="self"`);
      const again = await request(app(ctx)).get(`/feeds/categories/climate.${format}`).set('If-None-Match', res.headers.etag ?? '').expect(304);
      assert.equal(again.headers.link, res.headers.link);
    }
  });

  test('JSON Feed names it in hubs', async () => {
    const res = await request(app(ctx)).get('/feeds/all.json').expect(200);
    assert.deepEqual(res.body.hubs, [{ type: 'WebSub', url: hub }]);
    assert.equal(res.body.feed_url, 'http://feeds.test/feeds/all.json');
  });

  test('the built-in hub is off: /websub is a 404, as any unknown path', async () => {
    assert.equal(ctx.cfg.websub.builtIn, false);
    const form = { 'hub.mode': 'subscribe', 'hub.topic': 'http://feeds.test/feeds/all.rss', 'hub.callback': 'https://subscriber.example/cb' };
    await request(app(ctx)).post('/websub').type('form').send(form).expect(404);
  });
});

describe('without publish.hub: the built-in hub', () => {
  let ctx: TestContext;

  before(() => {
    ctx = testContext(configWithSources(source));
  });

  after(() => ctx.close());

  test('every format and the Link header name {base_url}/websub', async () => {
    const builtIn = 'http://feeds.test/websub';
    assert.equal(ctx.cfg.publish.hub, undefined);
    assert.equal(ctx.cfg.websub.hubUrl, builtIn);
    const rss = await request(app(ctx)).get('/feeds/all.rss').expect(200);
    assert.ok(rss.text.includes(`<atom:link href="${builtIn}" rel="hub"/>`));
    assert.equal(rss.headers.link, `<${builtIn}>; rel="hub", <http://feeds.test/feeds/all.rss>; rel="self"`);
    assert.ok((await request(app(ctx)).get('/feeds/all.atom').expect(200)).text.includes(`<link rel="hub" href="${builtIn}"/>`));
    assert.deepEqual((await request(app(ctx)).get('/feeds/all.json').expect(200)).body.hubs, [{ type: 'WebSub', url: builtIn }]);
  });
});

describe('without any hub (websub.enabled: false, no publish.hub)', () => {
  let ctx: TestContext;

  before(() => {
    ctx = testContext(configWithSources(source, 'websub:\n  enabled: false\n'));
  });

  after(() => ctx.close());

  test('no format names one, and the Link header names self only', async () => {
    assert.equal(ctx.cfg.websub.hubUrl, undefined);
    for (const format of ['rss', 'atom']) {
      assert.doesNotMatch((await request(app(ctx)).get(`/feeds/all.${format}`).expect(200)).text, /rel="hub"/);
    }
    const json = await request(app(ctx)).get('/feeds/all.json').expect(200);
    assert.equal(json.body.hubs, undefined);
    assert.equal(json.headers.link, '<http://feeds.test/feeds/all.json>; rel="self"');
  });

  test('/websub is a 404', async () => {
    await request(app(ctx)).post('/websub').type('form').send({ 'hub.mode': 'subscribe' }).expect(404);
  });
});
