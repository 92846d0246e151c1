import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, readWithFeedParser, readWithRssParser, type TestContext, testContext } from '../helpers.js';

// The demo configuration's base URL: every id and self link is built on it.
const base = 'http://localhost:8080';
const barrierVote = 'https://demodesk.example/news/flood-barrier-vote-delayed';
const reviewQuestions = 'https://demodesk.example/news/flood-barrier-review-questions';
const councilDelays = 'https://harborwire.example/2026/11/18/port-elling-council-delays-barrier-vote';
const costsRise = 'https://harborwire.example/2026/11/12/port-elling-barrier-costs-rise';
const explainer = 'https://civicpulse.example/2026/11/15/explainer-flood-barrier-vote';

type JsonItem = {
  id: string;
  url: string;
  title: string;
  summary: string;
  tags?: string[];
  content_html?: string;
  content_text?: string;
  authors?: { name: string }[];
  image?: string;
  _wirefeed: {
    categories: { slug: string; label: string }[];
    related: { id?: string; url: string; title: string; kind: string }[];
    image?: { caption: string; credit: string };
    source: { slug: string; name: string };
  };
};

describe('published feeds over HTTP (demo content)', () => {
  let ctx: TestContext;
  let app: App;
  /** Articles that head their story: what the aggregate feeds list. */
  let faces: number;

  before(async () => {
    ctx = testContext(undefined, { WIREFEED_BASE_URL: base });
    const results = await runIngest(ctx, listSources(ctx.db));
    assert.deepEqual(
      results.map((r) => [r.source, r.status]),
      [
        ['civic-pulse', 'ok'],
        ['demo-desk', 'ok'],
        ['harbor-wire', 'ok'],
        ['northern-ledger', 'ok'],
      ],
    );
    faces = ctx.db.prepare('SELECT count(*) FROM articles WHERE story_id IS NULL').pluck().get() as number;
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('every demo source is ingested', () => {
    const counts = ctx.db
      .prepare('SELECT s.slug, count(a.id) AS n FROM sources s LEFT JOIN articles a ON a.source_id = s.id GROUP BY s.slug ORDER BY s.slug')
      .all();
    assert.deepEqual(counts, [
      { slug: 'civic-pulse', n: 4 },
      { slug: 'demo-desk', n: 6 },
      { slug: 'harbor-wire', n: 6 },
      { slug: 'northern-ledger', n: 5 },
    ]);
  });

  test('all.rss is RSS 2.0 that rss-parser and feed-parser both read, with categories, creator, image and related links', async () => {
    const all = await request(app).get('/feeds/all.rss').expect(200);
    assert.equal(all.headers['content-type'], 'application/rss+xml; charset=utf-8');
    const allItems = (await readWithRssParser(all.text)).items;
    assert.equal(allItems.length, faces);
    const dates = allItems.map((i) => Date.parse(String(i.isoDate)));
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');

    // The vote story is another version of Harbor Wire's: its source's feed lists it.
    const res = await request(app).get('/feeds/sources/demo-desk.rss').expect(200);
    const feed = await readWithRssParser(res.text);

    const vote = feed.items.find((i) => i.link === barrierVote);
    assert.ok(vote, 'the barrier vote story is in the feed');
    assert.equal(vote.creator, 'Mara Okonjo, Special to The Demo Desk');
    const categories = (vote.categoryNodes as { _: string; $: { domain: string } }[]).map((c) => [c._, c.$.domain]);
    assert.deepEqual(categories, [
      ['Climate', `${base}/categories`],
      ['Politics', `${base}/categories`],
    ]);
    const related = (vote.atomLinks as { $: Record<string, string> }[]).map((l) => [l.$.rel, l.$.href]);
    assert.deepEqual(related, [
      ['related', councilDelays],
      ['related', reviewQuestions],
      ['related', explainer],
    ]);
    const media = (vote.media as Record<string, unknown>[])[0] as { $: Record<string, string>; 'media:description': unknown[]; 'media:credit': string[] };
    assert.equal(media.$.url, 'https://demodesk.example/media/2026/11/barrier-gates-model.jpg');
    assert.equal(media['media:credit'][0], 'The Demo Desk/Oskar Lindgren');
    assert.equal(vote.enclosure?.type, 'image/jpeg');
    assert.match(String(vote['content:encoded']), /put off its final decision/);
    const [source] = vote.sourceNodes as { _: string; $: Record<string, string> }[];
    assert.deepEqual([source?._, source?.$.url], ['The Demo Desk', `${base}/feeds/sources/demo-desk.rss`]);

    const second = await readWithFeedParser(res.text);
    assert.equal(second.items.length, 6);
    const again = second.items.find((i) => i.url === barrierVote);
    assert.deepEqual(
      again?.categories.map((c) => c.label),
      ['Climate', 'Politics'],
    );
    assert.equal(again?.authors[0]?.name, 'Mara Okonjo, Special to The Demo Desk');
  });

  test('all.atom is Atom 1.0 with term/label/scheme categories, related and enclosure links', async () => {
    const all = await request(app).get('/feeds/all.atom').expect(200);
    assert.equal(all.headers['content-type'], 'application/atom+xml; charset=utf-8');
    assert.equal((await readWithRssParser(all.text)).items.length, faces);
    const res = await request(app).get('/feeds/sources/demo-desk.atom').expect(200);
    const feed = await readWithRssParser(res.text);
    const vote = feed.items.find((i) => i.link === barrierVote);
    assert.ok(vote);
    assert.equal(vote.id, `${base}/articles/${vote.id?.toString().split('/').pop()}`);
    const links = (vote.links as { $: Record<string, string> }[]).map((l) => [l.$.rel ?? 'alternate', l.$.href, l.$.title]);
    assert.deepEqual(links, [
      ['alternate', barrierVote, undefined],
      ['related', councilDelays, 'Port Elling council delays flood barrier vote as costs mount'],
      ['related', reviewQuestions, "Engineers' review raises new questions over Port Elling barrier"],
      ['related', explainer, 'Explainer: what the flood barrier vote actually decides'],
      ['enclosure', 'https://demodesk.example/media/2026/11/barrier-gates-model.jpg', undefined],
    ]);
    const categories = (vote.categoryNodes as { $: Record<string, string> }[]).map((c) => ({ ...c.$ }));
    assert.deepEqual(categories, [
      { label: 'Climate', scheme: `${base}/categories`, term: 'climate' },
      { label: 'Politics', scheme: `${base}/categories`, term: 'politics' },
    ]);

    const second = await readWithFeedParser(res.text);
    assert.equal(second.items.length, 6);
    const again = second.items.find((i) => i.url === barrierVote);
    assert.deepEqual(
      again?.categories.map((c) => c.term),
      ['climate', 'politics'],
    );
    assert.equal(again?.media[0]?.url, 'https://demodesk.example/media/2026/11/barrier-gates-model.jpg');
  });

  test('all.json is JSON Feed 1.1 with _wirefeed categories, resolved related stories, image and source', async () => {
    const res = await request(app).get('/feeds/all.json').expect(200);
    assert.equal(res.headers['content-type'], 'application/feed+json; charset=utf-8');
    const feed = res.body as { version: string; feed_url: string; language: string; items: JsonItem[] };
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(feed.feed_url, `${base}/feeds/all.json`);
    assert.equal(feed.language, 'en');
    assert.equal(feed.items.length, faces);
    assert.equal(feed.items.find((i) => i.url === barrierVote), undefined, 'a second version of a story is not listed again');
    const council = feed.items.find((i) => i.url === councilDelays);
    assert.deepEqual(council?._wirefeed.related.find((r) => r.kind === 'same-story')?.url, barrierVote);
    const sourceFeed = (await request(app).get('/feeds/sources/demo-desk.json').expect(200)).body as { items: JsonItem[] };
    const vote = sourceFeed.items.find((i) => i.url === barrierVote);
    assert.ok(vote);
    assert.deepEqual(vote.authors, [{ name: 'Mara Okonjo, Special to The Demo Desk' }]);
    assert.deepEqual(vote._wirefeed.categories.map((c) => c.slug), ['climate', 'politics']);
    assert.deepEqual(vote.tags?.slice(0, 2), ['Climate', 'Politics']);
    const idOf = (url: string) => `${base}/articles/${ctx.db.prepare('SELECT id FROM articles WHERE url = ?').pluck().get(url)}`;
    assert.deepEqual(vote._wirefeed.related.map((r) => [r.id, r.url, r.kind]), [
      [idOf(councilDelays), councilDelays, 'same-story'],
      [idOf(reviewQuestions), reviewQuestions, 'explicit'],
      // costsRise is the other version of reviewQuestions' story, already linked: not suggested again.
      [idOf(explainer), explainer, 'computed'],
    ]);
    const councilLinks = council?._wirefeed.related.map((r) => r.url) ?? [];
    assert.ok(!(councilLinks.includes(costsRise) && councilLinks.includes(reviewQuestions)), `one story linked twice: ${councilLinks.join(' ')}`);
    assert.deepEqual(vote._wirefeed.image, {
      url: 'https://demodesk.example/media/2026/11/barrier-gates-model.jpg',
      caption: 'A scale model of the proposed barrier gates on display in the foyer of Port Elling city hall.',
      credit: 'The Demo Desk/Oskar Lindgren',
    });
    assert.equal(vote._wirefeed.source.slug, 'demo-desk');
    assert.ok(vote.content_html?.includes('put off its final decision'));
  });

  test('every route in every format is read back by rss-parser and feed-parser with the stored items and categories', async () => {
    // Aggregate feeds list each story once; a source's feed lists all it published.
    const routes: [string, string, unknown[]][] = [['/feeds/all', 'SELECT id FROM articles WHERE story_id IS NULL', []]];
    for (const slug of ctx.db.prepare('SELECT slug FROM categories').pluck().all() as string[]) {
      routes.push([
        `/feeds/categories/${slug}`,
        'SELECT article_id FROM article_categories WHERE category_slug = ? AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_categories f ON f.article_id = m.story_id AND f.category_slug = article_categories.category_slug WHERE m.id = article_categories.article_id)',
        [slug],
      ]);
    }
    for (const slug of ctx.db.prepare('SELECT slug FROM sources').pluck().all() as string[]) {
      routes.push([`/feeds/sources/${slug}`, 'SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?', [slug]]);
    }
    const categoriesOf = ctx.db.prepare(
      'SELECT c.label FROM article_categories ac JOIN categories c ON c.slug = ac.category_slug WHERE ac.article_id = ? ORDER BY c.label',
    );
    for (const [path, sql, args] of routes) {
      const ids = (ctx.db.prepare(sql).pluck().all(...args) as number[]).map((id) => `${base}/articles/${id}`).sort();
      const expectedCategories = (id: string) => categoriesOf.pluck().all(Number(id.split('/').pop()));
      for (const format of ['rss', 'atom'] as const) {
        const xml = (await request(app).get(`${path}.${format}`).expect(200)).text;
        const first = await readWithRssParser(xml);
        const firstIds = first.items.map((i) => String(format === 'rss' ? i.guid : i.id)).sort();
        assert.deepEqual(firstIds, ids, `${path}.${format} (rss-parser)`);
        const second = await readWithFeedParser(xml);
        assert.deepEqual(second.items.map((i) => i.id).sort(), ids, `${path}.${format} (feed-parser)`);
        for (const item of second.items) {
          assert.deepEqual(item.categories.map((c) => c.label ?? c.term), expectedCategories(String(item.id)), `${path}.${format} ${item.id}`);
        }
      }
      const json = (await request(app).get(`${path}.json`).expect(200)).body as { items: JsonItem[] };
      assert.deepEqual(json.items.map((i) => i.id).sort(), ids, `${path}.json`);
      for (const item of json.items) {
        assert.deepEqual(item._wirefeed.categories.map((c) => c.label), expectedCategories(item.id), `${path}.json ${item.id}`);
      }
    }
  });

  test('an Atom link rel="related" from upstream is published as a related story', async () => {
    const res = await request(app).get('/feeds/sources/northern-ledger.json').expect(200);
    const quietRoads = (res.body.items as JsonItem[]).find((i) => i.url.endsWith('/second-strike-day-quiet-roads'));
    assert.deepEqual(quietRoads?._wirefeed.related[0], {
      id: `${base}/articles/${ctx.db.prepare("SELECT id FROM articles WHERE url LIKE '%/commuters-brace-for-rail-strike'").pluck().get()}`,
      url: 'https://northernledger.example/transport/2026/11/14/commuters-brace-for-rail-strike',
      title: 'Commuters brace for rail strike as talks stall',
      kind: 'explicit',
      // The article names it itself: no score.
      why: 'explicit',
      score: null,
    });
  });

  test('the inline "Related:" line becomes a related story and leaves the body', async () => {
    const mine = (await request(app).get('/feeds/sources/demo-desk.json').expect(200)).body.items as JsonItem[];
    const vote = mine.find((i) => i.url === barrierVote);
    // The list of related stories that ends every body (publish.metadata_in_html) is ours, not the inline line.
    const inline = /Related:(?!<\/p><ul>)/;
    assert.ok(vote && !inline.test(vote.content_html ?? ''), 'the body no longer carries the Related: line');
    const wire = (await request(app).get('/feeds/sources/harbor-wire.json').expect(200)).body.items as JsonItem[];
    const harbor = wire.find((i) => i.url === councilDelays);
    assert.ok(harbor && !inline.test(harbor.content_html ?? ''));
    assert.deepEqual(
      harbor._wirefeed.related.filter((r) => r.kind === 'explicit').map((r) => r.url),
      [costsRise],
    );
  });

  test('boilerplate and hostile markup never reach a published feed', async () => {
    for (const format of ['rss', 'atom', 'json']) {
      const res = await request(app).get(`/feeds/all.${format}`).expect(200);
      assert.doesNotMatch(res.text, /<script|onerror|javascript:|logged in to post a comment|Share this:/i, format);
    }
  });

  test('a category feed holds only that category, newest first', async () => {
    const res = await request(app).get('/feeds/categories/climate.json').expect(200);
    const items = res.body.items as JsonItem[];
    assert.ok(items.length >= 4);
    for (const item of items) assert.ok(item._wirefeed.categories.some((c) => c.slug === 'climate'), item.title);
    const expected = ctx.db
      .prepare("SELECT count(*) FROM article_categories WHERE category_slug = 'climate' AND NOT EXISTS (SELECT 1 FROM articles m JOIN article_categories f ON f.article_id = m.story_id AND f.category_slug = article_categories.category_slug WHERE m.id = article_categories.article_id)")
      .pluck()
      .get();
    assert.equal(items.length, expected);
    const rss = await readWithRssParser((await request(app).get('/feeds/categories/climate.rss').expect(200)).text);
    assert.equal(rss.title, 'The Demo Desk: Climate');
    assert.equal(rss.items.length, expected);
  });

  test('a source feed holds only that source', async () => {
    const res = await request(app).get('/feeds/sources/northern-ledger.atom').expect(200);
    const feed = await readWithFeedParser(res.text);
    assert.equal(feed.items.length, 5);
    assert.ok(feed.items.every((i) => i.url?.startsWith('https://northernledger.example/')));
  });

  test('limit caps the number of items and a bad limit is a 400 naming it', async () => {
    const res = await request(app).get('/feeds/all.json?limit=3').expect(200);
    assert.equal(res.body.items.length, 3);
    for (const bad of ['0', '201', 'ten', '2.5']) {
      const r = await request(app).get(`/feeds/all.rss?limit=${bad}`).expect(400);
      assert.match(r.text, /^limit must be/);
    }
  });

  test('unknown categories, sources, formats and articles are 404 with a short message', async () => {
    assert.equal((await request(app).get('/feeds/categories/astrology.rss').expect(404)).text, 'Not found: no category "astrology"\n');
    assert.equal((await request(app).get('/feeds/sources/nowhere.atom').expect(404)).text, 'Not found: no source "nowhere"\n');
    assert.match((await request(app).get('/feeds/all.xml').expect(404)).text, /no feed format ".xml"/);
    await request(app).get('/articles/999999').expect(404);
    await request(app).get('/articles/abc').expect(404);
  });

  test('a feed answers 304 to its own ETag and carries Last-Modified and Cache-Control', async () => {
    const first = await request(app).get('/feeds/all.atom').expect(200);
    assert.ok(first.headers.etag);
    assert.ok(first.headers['last-modified']);
    assert.match(first.headers['cache-control'] ?? '', /public, max-age=\d+/);
    await request(app).get('/feeds/all.atom').set('If-None-Match', first.headers.etag).expect(304);
  });

  test('an article is served as JSON with its related stories', async () => {
    const id = ctx.db.prepare('SELECT id FROM articles WHERE url = ?').pluck().get(barrierVote) as number;
    const res = await request(app).get(`/articles/${id}`).expect(200);
    assert.equal(res.body.id, `${base}/articles/${id}`);
    assert.equal(res.body.title, 'Flood barrier vote delayed three weeks as council demands financing plan');
    assert.deepEqual(
      res.body.related.map((r: { url: string; kind: string }) => [r.url, r.kind]),
      [
        [councilDelays, 'same-story'],
        [reviewQuestions, 'explicit'],
        [explainer, 'computed'],
      ],
    );
  });

  test('the index page lists every feed and offers autodiscovery links', async () => {
    const res = await request(app).get('/').expect(200);
    assert.match(res.headers['content-type'] ?? '', /^text\/html/);
    assert.match(res.text, new RegExp(`<link rel="alternate" type="application/rss\\+xml" title="[^"]+" href="${base}/feeds/all.rss">`));
    assert.match(res.text, /<link rel="alternate" type="application\/atom\+xml"/);
    assert.match(res.text, /<link rel="alternate" type="application\/feed\+json"/);
    assert.ok(res.text.includes(`${base}/feeds/categories/climate.atom`));
    assert.ok(res.text.includes(`${base}/feeds/sources/harbor-wire.json`));
  });

  test('categories and sources are listed as JSON, and /healthz answers', async () => {
    const categories = await request(app).get('/categories').expect(200);
    assert.ok(categories.body.some((c: { slug: string }) => c.slug === 'climate'));
    const sources = await request(app).get('/sources').expect(200);
    assert.deepEqual(
      sources.body.map((s: { slug: string; last_status: string }) => [s.slug, s.last_status]),
      [
        ['civic-pulse', 'ok'],
        ['demo-desk', 'ok'],
        ['harbor-wire', 'ok'],
        ['northern-ledger', 'ok'],
      ],
    );
    await request(app).get('/healthz').expect(200, 'ok\n');
  });
});

describe('summaries for the public when full text is not published to all', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
    ctx = testContext(configWithSources(source, '', false));
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('no format carries the full text: the HTML body is the summary, with the image and lists around it', async () => {
    // The start of the last paragraph of each stored body that its summary does not hold: full text only.
    const rows = ctx.db.prepare('SELECT summary, content_html FROM articles').all() as { summary: string; content_html: string }[];
    const fullTextOnly = rows
      .map((r) => ({ summary: r.summary, words: /<p>([^<]{40})[^<]*<\/p>\s*$/.exec(r.content_html)?.[1] }))
      .filter((r) => r.words !== undefined && !r.summary.includes(r.words))
      .map((r) => r.words as string);
    assert.ok(fullTextOnly.length >= 3, 'the demo articles have several paragraphs');
    for (const format of ['rss', 'atom', 'json']) {
      const res = await request(app).get(`/feeds/all.${format}`).expect(200);
      const text = format === 'json' ? JSON.stringify(res.body) : res.text;
      for (const words of fullTextOnly) assert.ok(!text.includes(words), `${format}: ${words}`);
    }
    const json = await request(app).get('/feeds/all.json').expect(200);
    for (const item of json.body.items as JsonItem[]) {
      assert.ok(item.content_html?.includes(`<p>${item.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</p>`), item.content_html);
      assert.equal(item.content_text, undefined);
    }
  });
});
