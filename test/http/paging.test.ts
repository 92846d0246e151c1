// Paged feeds (RFC 5005 sections 3 and 4): `limit` and an opaque `cursor`,
// next / previous / first links in every format (and their archive names), a self link with the page's query,
// keyset pages that neither repeat nor skip an item.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import xml2js from 'xml2js';
import { createApp } from '../../src/http/app.js';
import { type TestContext, demoContext } from '../helpers.js';

const base = 'http://localhost:8080';

type Links = Record<string, string | undefined>;

/** The feed-level links of an RSS (atom:link in the channel) or Atom document, by rel. */
async function feedLinks(xml: string): Promise<Links> {
  const doc = await xml2js.parseStringPromise(xml);
  const nodes = (doc.rss ? doc.rss.channel[0]['atom:link'] : doc.feed.link) as { $: Record<string, string> }[];
  return Object.fromEntries(nodes.map((l) => [l.$.rel ?? 'alternate', l.$.href]));
}

/** A URL of ours as a path supertest can request. */
const pathOf = (url: string) => url.slice(base.length);

/** Follows `next` links from the first page; returns each page's item ids and links. */
async function walk(app: App, first: string, format: 'rss' | 'atom' | 'json'): Promise<{ ids: string[]; links: Links; url: string }[]> {
  const pages: { ids: string[]; links: Links; url: string }[] = [];
  for (let url: string | undefined = `${base}${first}`; url && pages.length < 50; ) {
    const res = await request(app).get(pathOf(url)).expect(200);
    if (format === 'json') {
      pages.push({ url, ids: res.body.items.map((i: { id: string }) => i.id), links: { self: res.body.feed_url, next: res.body.next_url } });
    } else {
      const doc = await xml2js.parseStringPromise(res.text);
      const items = (doc.rss ? doc.rss.channel[0].item : doc.feed.entry) ?? [];
      const ids = items.map((i: { guid?: { _: string }[]; id?: string[] }) => (i.guid ? i.guid[0]?._ : i.id?.[0]) ?? '');
      pages.push({ url, ids, links: await feedLinks(res.text) });
    }
    url = pages.at(-1)?.links.next;
  }
  return pages;
}

describe('paged feeds', () => {
  let ctx: TestContext;
  let app: App;
  const idsFor = (sql: string, ...args: unknown[]) =>
    (ctx.db.prepare(sql).pluck().all(...args) as number[]).map((id) => `${base}/articles/${id}`);

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
  });

  after(() => ctx.close());

  for (const format of ['rss', 'atom', 'json'] as const) {
    test(`${format}: following next from the first page gives every item once, newest first`, async () => {
      const pages = await walk(app, `/feeds/all.${format}?limit=4`, format);
      const all = idsFor('SELECT id FROM articles WHERE story_id IS NULL ORDER BY published_at DESC, id DESC');
      assert.deepEqual(pages.flatMap((p) => p.ids), all);
      assert.equal(pages.length, Math.ceil(all.length / 4));
      assert.ok(pages.slice(0, -1).every((p) => p.ids.length === 4));
      assert.equal(pages.at(-1)?.links.next, undefined, 'the last page has no next link');
      for (const page of pages) assert.equal(page.links.self, page.url, 'the self link is the page itself');
    });
  }

  test('category, source and tag feeds page through their own items', async () => {
    const cases: [string, string[]][] = [
      ['/feeds/categories/climate', idsFor("SELECT article_id FROM article_categories WHERE category_slug = 'climate' AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_categories f ON f.article_id = m.story_id AND f.category_slug = article_categories.category_slug WHERE m.id = article_categories.article_id) ORDER BY published_at DESC, article_id DESC")],
      ['/feeds/sources/harbor-wire', idsFor("SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = 'harbor-wire' ORDER BY a.published_at DESC, a.id DESC")],
      ['/feeds/tags/port-elling', idsFor("SELECT article_id FROM article_tags WHERE slug = 'port-elling' AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_tags f ON f.article_id = m.story_id AND f.slug = article_tags.slug WHERE m.id = article_tags.article_id) ORDER BY published_at DESC, article_id DESC")],
    ];
    for (const [path, expected] of cases) {
      assert.ok(expected.length > 2, path);
      const pages = await walk(app, `${path}.atom?limit=2`, 'atom');
      assert.deepEqual(pages.flatMap((p) => p.ids), expected, path);
    }
  });

  test('pages carry their archived-feed names too: current, prev-archive, next-archive and fh:archive (RFC 5005 section 4)', async () => {
    for (const format of ['rss', 'atom'] as const) {
      const [one, two, three] = await walk(app, `/feeds/all.${format}?limit=3`, format);
      assert.ok(one && two && three, 'three pages at least');
      assert.equal(one.links['prev-archive'], two.url, 'the subscription document leads to the newest archive');
      assert.equal(one.links.current, undefined);
      assert.equal(two.links['prev-archive'], three.url);
      assert.equal(two.links.current, `${base}/feeds/all.${format}?limit=3`);
      assert.equal(two.links['next-archive'], undefined, 'the page above the second is the subscription document');
      assert.equal(three.links['next-archive'], two.url);
      const first = await request(app).get(pathOf(one.url)).expect(200);
      const second = await request(app).get(pathOf(two.url)).expect(200);
      assert.doesNotMatch(first.text, /<fh:archive/);
      assert.match(second.text, /<fh:archive xmlns:fh="http:\/\/purl.org\/syndication\/history\/1.0"\/>/);
    }
  });

  test('previous and first appear after the first page; previous leads back to the page before', async () => {
    const pages = await walk(app, '/feeds/all.rss?limit=5', 'rss');
    assert.ok(pages.length >= 3);
    const [one, two, three] = pages as [(typeof pages)[0], (typeof pages)[0], (typeof pages)[0]];
    assert.deepEqual([one.links.previous, one.links.first], [undefined, undefined]);
    assert.equal(two.links.first, `${base}/feeds/all.rss?limit=5`);
    assert.equal(two.links.previous, `${base}/feeds/all.rss?limit=5`, 'the page before the second is the first');
    assert.equal(three.links.previous, two.url);
    assert.equal(three.links.first, `${base}/feeds/all.rss?limit=5`);
    const back = await request(app).get(pathOf(three.links.previous ?? '')).expect(200);
    assert.deepEqual((await feedLinks(back.text)).next, three.url);
  });

  test('without limit the links carry only the cursor; JSON Feed has next_url only', async () => {
    const first = await request(app).get('/feeds/all.json?limit=200').expect(200);
    assert.equal(first.body.next_url, undefined);
    const small = await request(app).get('/feeds/categories/climate.json?limit=1').expect(200);
    const next = new URL(small.body.next_url);
    assert.deepEqual([...next.searchParams.keys()], ['limit', 'cursor']);
    const atom = await request(app).get(`/feeds/categories/climate.atom?cursor=${next.searchParams.get('cursor')}`).expect(200);
    const links = await feedLinks(atom.text);
    assert.equal(links.self, `${base}/feeds/categories/climate.atom?cursor=${next.searchParams.get('cursor')}`);
    assert.equal(links.first, `${base}/feeds/categories/climate.atom`);
    assert.equal(links.previous, `${base}/feeds/categories/climate.atom`);
  });

  test('a cursor that this server did not give out is a 400 naming cursor', async () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    const bad = ['abc!', forged('x:y'), forged('1:2:3'), forged('1.5:2'), `${forged('1795341600000:19')}=`, forged(' 1795341600000:19'), '2', ''];
    for (const cursor of bad) {
      const res = await request(app).get('/feeds/all.rss').query({ cursor }).expect(400);
      assert.match(res.text, /^cursor /, JSON.stringify(cursor));
    }
    assert.match((await request(app).get('/feeds/all.rss?cursor=a&cursor=b').expect(400)).text, /^cursor /);
    await request(app).get(`/feeds/all.rss?cursor=${forged('1795341600000:19')}`).expect(200);
  });

  test('a cursor past the oldest item gives an empty page that still links back', async () => {
    const cursor = Buffer.from('0:0').toString('base64url');
    const res = await request(app).get(`/feeds/all.json?limit=3&cursor=${cursor}`).expect(200);
    assert.deepEqual(res.body.items, []);
    assert.equal(res.body.next_url, undefined);
    const atom = await request(app).get(`/feeds/all.atom?limit=3&cursor=${cursor}`).expect(200);
    const links = await feedLinks(atom.text);
    assert.ok(links.previous?.includes('cursor='), 'previous is the last page, not the first');
  });
});

describe('paged feeds when many items share one published time', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = await demoContext(base);
    for (const table of ['articles', 'article_categories', 'article_tags']) ctx.db.prepare(`UPDATE ${table} SET published_at = 1795000000000`).run();
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('the id breaks the tie: no item is repeated or skipped across pages', async () => {
    const all = (ctx.db.prepare('SELECT id FROM articles WHERE story_id IS NULL ORDER BY id DESC').pluck().all() as number[]).map((id) => `${base}/articles/${id}`);
    for (const limit of [1, 3, 7]) {
      const pages = await walk(app, `/feeds/all.json?limit=${limit}`, 'json');
      assert.deepEqual(pages.flatMap((p) => p.ids), all, `limit ${limit}`);
    }
    const tagged = await walk(app, '/feeds/tags/port-elling.rss?limit=1', 'rss');
    assert.equal(new Set(tagged.flatMap((p) => p.ids)).size, ctx.db.prepare("SELECT count(*) FROM article_tags WHERE slug = 'port-elling' AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_tags f ON f.article_id = m.story_id AND f.slug = article_tags.slug WHERE m.id = article_tags.article_id)").pluck().get());
  });
});
