// Conformance: every feed route, in every format, run through the
// independent consumers of shared/tools/feedcheck (xmllint, the Universal
// Feed Parser, rss-parser, @rowanmanning/feed-parser, newsboat, the JSON Feed
// 1.1 checker): all, categories, sources, tags, search, and later pages with
// their paging links; and Atom feeds carrying a withdrawn article's tombstone
// (RFC 6721), every entry still read, and partners' RSS and JSON Feed with
// its kill notice, every item still read. Skipped, with the reason, where
// feedcheck is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listCategories } from '../../src/store/categories.js';
import { listSources } from '../../src/store/sources.js';
import { createPartner } from '../../src/store/partners.js';
import { listTags } from '../../src/store/tags.js';
import { assertEveryItemRead, feedcheckFailures, feedcheckReport, feedcheckUnavailable, listenOnLoopback, type LoopbackServer, testContext, type TestContext } from '../helpers.js';

describe('feedcheck conformance of every published feed', async () => {
  const skip = await feedcheckUnavailable();
  let ctx: TestContext;
  let server: LoopbackServer;
  let base: string;
  let paths: string[] = [];
  let morePaths: string[] = [];

  before(async () => {
    if (skip) return;
    ctx = testContext();
    await runIngest(ctx, listSources(ctx.db));
    server = await listenOnLoopback(createApp(ctx));
    base = server.base;
    const feeds = ['/feeds/all', ...listCategories(ctx.db).map((c) => `/feeds/categories/${c.slug}`)];
    feeds.push(...listSources(ctx.db).map((s) => `/feeds/sources/${s.slug}`));
    paths = feeds.flatMap((p) => ['rss', 'atom', 'json'].map((f) => `${p}.${f}`));
    const tags = listTags(ctx.db).map((t) => `/feeds/tags/${encodeURIComponent(t.slug)}`);
    // First pages with a next link, and the second page of each, which also
    // carries first and previous: found through the JSON Feed's next_url.
    const firstPages = ['/feeds/all?limit=3', '/feeds/categories/climate?limit=1', '/feeds/sources/harbor-wire?limit=2', '/feeds/tags/port-elling?limit=1', '/feeds/search?q=flood&limit=2'];
    const pages = ['/feeds/search?q=flood%20barrier', ...firstPages];
    for (const page of firstPages) {
      const [path, query] = page.split('?');
      const json = (await fetch(`${base}${path}.json?${query}`).then((r) => r.json())) as { next_url?: string };
      assert.ok(json.next_url, page);
      const next = new URL(json.next_url);
      pages.push(`${next.pathname.replace(/\.json$/, '')}${next.search}`);
    }
    morePaths = [...tags, ...pages].flatMap((p) => {
      const [path, query] = p.split('?');
      return ['rss', 'atom', 'json'].map((f) => `${path}.${f}${query ? `?${query}` : ''}`);
    });
  });

  after(async () => {
    if (skip) return;
    await server.close();
    ctx.close();
  });

  test('every route and format passes every consumer', { skip }, async () => {
    assert.ok(paths.length >= 3 * 10, `checked ${paths.length} feeds`);
    // Category feeds with no story yet are valid but empty: --allow-empty.
    assert.deepEqual(await feedcheckFailures(paths.map((p) => `${base}${p}`)), []);
  });

  test('every tag feed, search feed and later page passes every consumer', { skip }, async () => {
    assert.ok(morePaths.length >= 3 * 10, `checked ${morePaths.length} feeds`);
    // Four at a time: each run is a second or so of child processes, mostly waiting.
    const chunks = [0, 1, 2, 3].map((i) => morePaths.filter((_, j) => j % 4 === i).map((p) => `${base}${p}`));
    const failures = await Promise.all(chunks.map((urls) => feedcheckFailures(urls)));
    assert.deepEqual(failures.flat(), []);
  });
});

describe('feedcheck conformance of Atom feeds with a tombstone', async () => {
  const skip = await feedcheckUnavailable();
  const token = 'test-admin-token-0123456789';
  let ctx: TestContext;
  let server: LoopbackServer;
  let base: string;
  const feeds = ['/feeds/all', '/feeds/categories/climate', '/feeds/tags/port-elling', '/feeds/sources/admin'];
  let key = '';

  before(async () => {
    if (skip) return;
    ctx = testContext(undefined, { WIREFEED_ADMIN_TOKEN: token });
    await runIngest(ctx, listSources(ctx.db));
    const app = createApp(ctx);
    const article = { title: 'Barrier gates tested', summary: 'All twelve closed.', url: 'https://demodesk.example/news/gates-tested', categories: ['climate'], tags: ['Port Elling'] };
    const id = String((await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201)).body.id).split('/').pop();
    const reason = 'Withdrawn on legal advice: names a minor & a "witness" <unverified>';
    await request(app).delete(`/admin/articles/${id}`).set('Authorization', `Bearer ${token}`).send({ reason }).expect(204);
    key = createPartner(ctx.db, 'Climate Weekly', { fullText: true, categories: [] }).key;
    server = await listenOnLoopback(app);
    base = server.base;
  });

  after(async () => {
    if (skip) return;
    await server.close();
    ctx.close();
  });

  test('every consumer accepts them and still reads every entry; RSS and JSON Feed of the same feeds pass too', { skip }, async () => {
    for (const feed of feeds) {
      const atom = await fetch(`${base}${feed}.atom`).then((r) => r.text());
      assert.match(atom, /<at:deleted-entry ref=/, feed);
      const entries = atom.split('<entry').length - 1;
      const report = await feedcheckReport(`${base}${feed}.atom`);
      const verdicts = report.split('\n').filter((line) => /^(PASS|FAIL) /.test(line));
      assert.ok(verdicts.every((line) => line.startsWith('PASS ')), report);
      // xmllint only checks the XML; the parsers and newsboat say how many entries they read.
      const counts = verdicts.map((line) => /\b(\d+) items?\b/.exec(line)?.[1]).filter((n) => n !== undefined);
      assert.ok(counts.length >= 4, report);
      assert.deepEqual(new Set(counts), new Set([String(entries)]), `${feed}.atom\n${report}`);
    }
    assert.deepEqual(await feedcheckFailures(feeds.flatMap((f) => [`${base}${f}.rss`, `${base}${f}.json`])), []);
  });

  test('a partner\'s RSS and JSON Feed with a kill notice pass, every item read, the notice among them', { skip }, async () => {
    for (const feed of feeds) {
      for (const format of ['rss', 'json']) {
        const url = `${base}${feed}.${format}?key=${key}`;
        const body = await fetch(url).then((r) => r.text());
        assert.ok(body.includes('wirefeed:killed') || body.includes('"killed"'), url);
        await assertEveryItemRead(url, body);
      }
    }
  });
});
