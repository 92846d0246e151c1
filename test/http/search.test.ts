// GET /feeds/search.{rss,atom,json}?q=: the best matches first, words only
// (never FTS5 syntax), paged by page number, 400s that name the parameter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, readWithFeedParser, readWithRssParser, serveFixtures, type TestContext, testContext } from '../helpers.js';

const base = 'http://feeds.test';

const item = (id: string, day: number, title: string, summary: string, body: string) => ({
  id,
  url: `https://gulls.example/${id}`,
  title,
  summary,
  content_html: `<p>${body}</p>`,
  date_published: `2026-11-${String(day).padStart(2, '0')}T08:00:00Z`,
});

// The body match is the newest and the title match the oldest: rank, not time, orders a search.
const upstream = (items: object[]) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Gulls', home_page_url: 'https://gulls.example/', items });
const stories = [
  item('title', 10, 'Gannet colony returns to the estuary cliffs', 'Rangers counted forty nests this spring.', 'Rangers counted the nests from a boat.'),
  item('summary', 11, 'Seabird survey finds more terns', 'A single gannet was seen among the terns.', 'Volunteers walked the shore at dawn.'),
  item('body', 12, 'Harbour reopens after storm repairs', 'Boats are back on the water.', 'A gannet dived beside the first ferry out.'),
  item('cafe', 9, 'Café on the quay reopens', 'Coffee with a view of the harbour.', 'The owners rebuilt the terrace.'),
];

describe('search feeds', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;

  before(async () => {
    server = await serveFixtures({ '/gulls.json': { body: upstream(stories), type: 'application/feed+json' } });
    ctx = testContext(configWithSources(`  - { slug: gulls, name: Gull Watch, url: "${server.url}/gulls.json" }`));
    const [result] = await runIngest(ctx, listSources(ctx.db));
    assert.equal(result?.status, 'ok');
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('with publish.search_window, only the newest matches are ranked (the best of them first)', async () => {
    const windowed = testContext(
      configWithSources(`  - { slug: gulls, name: Gull Watch, url: "${server.url}/gulls.json" }`).replace('publish:\n', 'publish:\n  search_window: 2\n'),
    );
    try {
      await runIngest(windowed, listSources(windowed.db));
      const json = await request(createApp(windowed)).get('/feeds/search.json?q=gannet').expect(200);
      // The title match is the oldest of three: outside a window of two.
      assert.deepEqual(json.body.items.map((i: { title: string }) => i.title), [stories[1]?.title, stories[2]?.title]);
    } finally {
      windowed.close();
    }
  });

  test("the body's markup is not searched: every body is a <p>, yet q=p finds nothing", async () => {
    const json = await request(app).get('/feeds/search.json?q=p').expect(200);
    assert.deepEqual(json.body.items, []);
  });

  test('the best match comes first in every format: title, then summary, then body', async () => {
    const expected = [stories[0]?.title, stories[1]?.title, stories[2]?.title];
    const json = await request(app).get('/feeds/search.json?q=gannet').expect(200);
    assert.equal(json.headers['content-type'], 'application/feed+json; charset=utf-8');
    assert.deepEqual(json.body.items.map((i: { title: string }) => i.title), expected);
    assert.equal(json.body.title, 'Search: gannet');
    assert.equal(json.body.feed_url, `${base}/feeds/search.json?q=gannet`);
    const rss = await request(app).get('/feeds/search.rss?q=gannet').expect(200);
    assert.equal(rss.headers['content-type'], 'application/rss+xml; charset=utf-8');
    const rssFeed = await readWithRssParser(rss.text);
    assert.deepEqual(rssFeed.items.map((i) => i.title), expected);
    assert.equal(rssFeed.title, 'Search: gannet');
    const atom = await request(app).get('/feeds/search.atom?q=gannet').expect(200);
    const atomFeed = await readWithFeedParser(atom.text);
    assert.deepEqual(atomFeed.items.map((i) => i.title), expected);
    assert.equal(atomFeed.self, `${base}/feeds/search.atom?q=gannet`);
    assert.match(atom.text, /<id>http:\/\/feeds.test\/feeds\/search\?q=gannet<\/id>/);
  });

  test('all words must match, in any case and with or without accents', async () => {
    const res = await request(app).get('/feeds/search.json').query({ q: 'CAFE quay' }).expect(200);
    assert.deepEqual(res.body.items.map((i: { title: string }) => i.title), ['Café on the quay reopens']);
    assert.equal(res.body.title, 'Search: CAFE quay');
    const none = await request(app).get('/feeds/search.json').query({ q: 'gannet café' }).expect(200);
    assert.deepEqual(none.body.items, []);
  });

  test('FTS5 syntax in q is searched for as words, never run', async () => {
    // Run as FTS5, each would be a prefix, a column filter, an operator or a syntax error.
    const cases: [string, number][] = [
      ['gann*', 0],
      ['title:gannet', 0],
      ['gannet OR café', 0],
      ['NEAR(gannet terns)', 0],
      ['gannet AND', 0],
      ['"gannet', 3],
      ['gannet)', 3],
      ['^gannet', 3],
      ['-gannet', 3],
    ];
    for (const [q, count] of cases) {
      const res = await request(app).get('/feeds/search.json').query({ q }).expect(200);
      assert.equal(res.body.items.length, count, q);
    }
  });

  test('a missing or empty q is a 400 "q is required"; q without a word is a 400 naming q', async () => {
    for (const path of ['/feeds/search.rss', '/feeds/search.atom?q=', '/feeds/search.json?q=%20%20']) {
      assert.equal((await request(app).get(path).expect(400)).text, 'q is required\n', path);
    }
    for (const q of ['***', '" "', '-- ()']) {
      assert.match((await request(app).get('/feeds/search.rss').query({ q }).expect(400)).text, /^q must contain a word/, q);
    }
    assert.match((await request(app).get('/feeds/search.rss?q=a&q=b').expect(400)).text, /^q must be given once/);
    assert.match((await request(app).get('/feeds/search.rss').query({ q: 'tern '.repeat(60) }).expect(400)).text, /^q must be at most/);
  });

  test('pages by page number: next on each page with more, previous and first after the first', async () => {
    const first = await request(app).get('/feeds/search.json?q=gannet&limit=2').expect(200);
    assert.equal(first.body.items.length, 2);
    assert.equal(first.body.next_url, `${base}/feeds/search.json?q=gannet&limit=2&cursor=2`);
    const second = await request(app).get('/feeds/search.json?q=gannet&limit=2&cursor=2').expect(200);
    assert.deepEqual(second.body.items.map((i: { title: string }) => i.title), [stories[2]?.title]);
    assert.equal(second.body.next_url, undefined);
    const atom = await request(app).get('/feeds/search.atom?q=gannet&limit=2&cursor=2').expect(200);
    assert.match(atom.text, /<link rel="first" type="application\/atom\+xml" href="http:\/\/feeds.test\/feeds\/search.atom\?q=gannet&amp;limit=2"\/>/);
    assert.match(atom.text, /<link rel="previous" type="application\/atom\+xml" href="http:\/\/feeds.test\/feeds\/search.atom\?q=gannet&amp;limit=2"\/>/);
    assert.doesNotMatch(atom.text, /rel="next"/);
    for (const cursor of ['0', '1', 'two', '1001', 'MTc5NTM0MTYwMDAwMDoxOQ']) {
      assert.match((await request(app).get(`/feeds/search.rss?q=gannet&cursor=${cursor}`).expect(400)).text, /^cursor /, cursor);
    }
  });

  test('the index follows articles as they change and go', async () => {
    server.routes.set('/gulls.json', {
      body: upstream([{ ...stories[3], title: 'Café on the quay closes for winter' }, ...stories.slice(0, 3)]),
      type: 'application/feed+json',
    });
    ctx.db.prepare('UPDATE sources SET next_due_at = 0, etag = NULL, last_modified = NULL').run();
    await runIngest(ctx, listSources(ctx.db));
    const winter = await request(app).get('/feeds/search.json?q=winter').expect(200);
    assert.deepEqual(winter.body.items.map((i: { title: string }) => i.title), ['Café on the quay closes for winter']);
    assert.deepEqual((await request(app).get('/feeds/search.json?q=reopens').expect(200)).body.items.length, 1);
    ctx.db.prepare("DELETE FROM articles WHERE guid = 'cafe'").run();
    assert.deepEqual((await request(app).get('/feeds/search.json?q=winter').expect(200)).body.items, []);
  });
});
