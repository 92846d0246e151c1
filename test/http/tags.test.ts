// Tag feeds (/feeds/tags/{slug}), the /tags listing and tags on the index.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import {
  configWithSources,
  demoContext,
  type FixtureServer,
  readWithFeedParser,
  readWithRssParser,
  serveFixtures,
  type TestContext,
  testContext,
} from '../helpers.js';

const base = 'http://localhost:8080';

describe('tag feeds (demo content)', () => {
  let ctx: TestContext;
  let app: App;
  let tagged: string[];

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
    tagged = (
      ctx.db.prepare("SELECT article_id FROM article_tags WHERE slug = 'port-elling' AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_tags f ON f.article_id = m.story_id AND f.slug = article_tags.slug WHERE m.id = article_tags.article_id) ORDER BY published_at DESC, article_id DESC").pluck().all() as number[]
    ).map((id) => `${base}/articles/${id}`);
  });

  after(() => ctx.close());

  test('a tag feed holds the articles with that tag, newest first, in every format', async () => {
    assert.ok(tagged.length >= 2);
    const rss = await request(app).get('/feeds/tags/port-elling.rss').expect(200);
    assert.equal(rss.headers['content-type'], 'application/rss+xml; charset=utf-8');
    const rssFeed = await readWithRssParser(rss.text);
    assert.deepEqual(rssFeed.items.map((i) => i.guid), tagged);
    assert.equal(rssFeed.title, 'The Demo Desk: Port Elling (tag)');
    const atom = await request(app).get('/feeds/tags/port-elling.atom').expect(200);
    const atomFeed = await readWithFeedParser(atom.text);
    assert.deepEqual(atomFeed.items.map((i) => i.id), tagged);
    assert.equal(atomFeed.self, `${base}/feeds/tags/port-elling.atom`);
    const json = await request(app).get('/feeds/tags/port-elling.json').expect(200);
    assert.deepEqual(json.body.items.map((i: { id: string }) => i.id), tagged);
    for (const item of json.body.items as { tags: string[] }[]) assert.ok(item.tags.includes('Port Elling'));
  });

  test('an unknown tag is a 404 with a short message', async () => {
    assert.equal((await request(app).get('/feeds/tags/astrology.rss').expect(404)).text, 'Not found: no tag "astrology"\n');
    assert.match((await request(app).get('/feeds/tags/port-elling.xml').expect(404)).text, /no feed format ".xml"/);
  });

  test('/tags lists every tag with its article count and feeds', async () => {
    const res = await request(app).get('/tags').expect(200);
    const expected = ctx.db.prepare('SELECT count(DISTINCT slug) FROM article_tags').pluck().get();
    assert.equal(res.body.length, expected);
    const port = res.body.find((t: { slug: string }) => t.slug === 'port-elling');
    assert.deepEqual(port, {
      slug: 'port-elling',
      label: 'Port Elling',
      articles: tagged.length,
      feeds: {
        rss: `${base}/feeds/tags/port-elling.rss`,
        atom: `${base}/feeds/tags/port-elling.atom`,
        json: `${base}/feeds/tags/port-elling.json`,
      },
    });
  });

  test('the front page lists the tag feeds', async () => {
    const res = await request(app).get('/').expect(200);
    assert.match(res.text, /<caption>Tags<\/caption>/);
    assert.ok(res.text.includes(`${base}/feeds/tags/port-elling.atom`));
  });
});

describe('a tag in a non-Latin script', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;

  before(async () => {
    const feed = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Wire',
      items: [{ id: 'm1', url: 'https://wire.example/m1', title: 'Talks in Moscow', content_text: 'Text.', date_published: '2026-11-20T10:00:00Z', tags: ['Москва'] }],
    });
    server = await serveFixtures({ '/wire.json': { body: feed, type: 'application/feed+json' } });
    ctx = testContext(configWithSources(`  - { slug: wire, name: Wire, url: "${server.url}/wire.json" }`));
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('is served at its percent-encoded slug, and listed with that URL', async () => {
    const path = `/feeds/tags/${encodeURIComponent('москва')}`;
    const res = await request(app).get(`${path}.json`).expect(200);
    assert.deepEqual(res.body.items.map((i: { title: string }) => i.title), ['Talks in Moscow']);
    assert.equal(res.body.feed_url, `http://feeds.test${path}.json`);
    const tags = await request(app).get('/tags').expect(200);
    assert.equal(tags.body[0].feeds.rss, `http://feeds.test${path}.rss`);
  });
});
