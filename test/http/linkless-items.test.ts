// Items with no link of their own are published with their feed's page as
// their link; several of them then share that URL. It is a stand-in, not the
// item's identity: they stay separate articles, are never one story for it,
// and a related link to one of them leads to that one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const titles = [
  'Harbour council approves flood barrier budget for the harbour',
  'Harbour council delays flood barrier vote on the harbour ferry',
  'Harbour council names flood barrier engineer for the harbour works',
];

/** One feed's three stories, told in words close enough for relate to compare them. */
function rss(item: (title: string, i: number) => string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Gazette</title><link>https://harbour.example/</link><description>d</description>
${titles.map((title, i) => `<item><title>${title}</title>${item(title, i)}<pubDate>Fri, 20 Nov 2026 0${8 + i}:00:00 GMT</pubDate>
<description>The harbour council met on the flood barrier; story ${i + 1} of the day.</description></item>`).join('\n')}
</channel></rss>`;
}

const feeds = {
  // Each has a guid, none a link.
  '/guids.xml': rss((_, i) => `<guid isPermaLink="false">harbour-${i + 1}</guid>`),
  // Neither guid nor link: identity from title and date.
  '/bare.xml': rss(() => ''),
  // The link each names is the feed's own page, not the story's.
  '/homepage.xml': rss(() => '<link>https://harbour.example/</link>'),
};

interface Item {
  id: string;
  url: string;
  title: string;
  _wirefeed: { related: { id?: string; url: string; title: string; kind: string }[] };
}

for (const [path, what] of [
  ['/guids.xml', 'items with a guid and no link'],
  ['/bare.xml', 'items with neither guid nor link'],
  ['/homepage.xml', "items whose link is the feed's own page"],
] as const) {
  describe(`${what} in one feed`, () => {
    let server: FixtureServer;
    let ctx: TestContext;

    before(async () => {
      server = await serveFixtures({ [path]: { body: feeds[path] } });
      ctx = testContext(configWithSources(`  - { slug: harbour, name: Harbour Gazette, url: "${server.url}${path}" }`));
      const [result] = await runIngest(ctx, listSources(ctx.db));
      assert.equal(result?.status, 'ok', result?.error);
    });

    after(async () => {
      ctx?.close();
      await server?.close();
    });

    test('are stored as three articles', () => {
      const count = ctx.db.prepare('SELECT count(*) FROM articles').pluck().get();
      assert.equal(count, 3);
    });

    test("are published as three items, each with the feed's page as link", async () => {
      for (const feed of ['/feeds/all.json', '/feeds/sources/harbour.json']) {
        const res = await request(createApp(ctx)).get(feed).expect(200);
        const items = res.body.items as Item[];
        assert.deepEqual(items.map((i) => i.title).sort(), [...titles].sort(), feed);
        assert.equal(new Set(items.map((i) => i.id)).size, 3, `${feed}: three distinct ids`);
        for (const item of items) assert.equal(item.url, 'https://harbour.example/');
      }
    });

    test('are never the same story because of the URL they share', async () => {
      const res = await request(createApp(ctx)).get('/feeds/sources/harbour.json').expect(200);
      for (const item of res.body.items as Item[]) {
        assert.deepEqual(item._wirefeed.related.filter((r) => r.kind === 'same-story'), [], item.title);
      }
      const stories = ctx.db.prepare('SELECT count(*) FROM articles WHERE story_id IS NOT NULL').pluck().get();
      assert.equal(stories, 0);
    });

    test('a related link to one of them leads to that one, never to itself', async () => {
      const res = await request(createApp(ctx)).get('/feeds/sources/harbour.json').expect(200);
      const items = res.body.items as Item[];
      const idOf = new Map(items.map((i) => [i.title, i.id]));
      // The three are close enough in words for relate to link them: the checks below have links to check.
      assert.ok(items.some((i) => i._wirefeed.related.length > 0), 'no related links at all');
      for (const item of items) {
        for (const r of item._wirefeed.related) {
          assert.notEqual(r.id, item.id, `${item.title} is related to itself`);
          assert.equal(r.id, idOf.get(r.title), `${item.title}: the link to "${r.title}" leads elsewhere`);
          assert.equal(r.url, 'https://harbour.example/', 'published with the page it stands for');
        }
      }
    });
  });
}
