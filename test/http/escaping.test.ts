// Text that is hostile to XML (ampersands, angle brackets, quotes, "]]>",
// control characters) comes out well-formed and unchanged in every format.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, readWithFeedParser, readWithRssParser, serveFixtures, type TestContext, testContext } from '../helpers.js';

const title = 'Gates & locks: "<1>" ]]> done';
const caption = 'Tide <high> & rising "fast"';
const relatedTitle = 'Costs & "overruns" <again>';

// The JSON Feed carries the hostile text as plain JSON strings (with U+0001
// and U+000B, which XML 1.0 forbids) so every XML rendering has to cope.
const upstream = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Hostile',
  home_page_url: 'https://hostile.example/',
  items: [
    {
      id: 'h1',
      url: 'https://hostile.example/h1?a=1&b=2',
      title: `${title}\u0001`,
      summary: `A summary with ]]> and <b>tags</b> & \u000Bentities`,
      content_html: `<p>Body ]]> text &amp; more</p><p>Related: <a href="https://hostile.example/h0?x=1&amp;y=2">${relatedTitle.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</a></p>`,
      date_published: '2026-11-20T10:00:00Z',
      authors: [{ name: 'Ana <Ana> & Co' }],
      image: 'https://hostile.example/img.jpg?w=1&h=2',
    },
  ],
});

describe('hostile text in published feeds', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;

  before(async () => {
    server = await serveFixtures({ '/feed.json': { body: upstream, type: 'application/feed+json' } });
    ctx = testContext(configWithSources(`  - { slug: hostile, name: "Hostile & Co", url: "${server.url}/feed.json" }`));
    const [result] = await runIngest(ctx, listSources(ctx.db));
    assert.equal(result?.status, 'ok');
    ctx.db.prepare('UPDATE articles SET image_caption = ?').run(caption);
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  for (const format of ['rss', 'atom'] as const) {
    test(`${format}: strict XML parsers read the title, link, author and related title back unchanged`, async () => {
      const xml = (await request(app).get(`/feeds/all.${format}`).expect(200)).text;
      assert.doesNotMatch(xml, /[\u0001\u000B]/);
      const [item] = (await readWithRssParser(xml)).items;
      assert.equal(item?.title, title);
      assert.equal(item?.link, 'https://hostile.example/h1?a=1&b=2');
      const other = (await readWithFeedParser(xml)).items[0];
      assert.equal(other?.title, title);
      assert.equal(other?.authors[0]?.name, 'Ana <Ana> & Co');
      assert.equal(other?.media[0]?.url, 'https://hostile.example/img.jpg?w=1&h=2');
      const links = (format === 'rss' ? item?.atomLinks : item?.links) as { $: Record<string, string> }[];
      const related = links.find((l) => l.$.rel === 'related');
      assert.deepEqual([related?.$.href, related?.$.title], ['https://hostile.example/h0?x=1&y=2', relatedTitle]);
    });
  }

  test('json: the same text, as plain strings', async () => {
    const [item] = (await request(app).get('/feeds/all.json').expect(200)).body.items;
    assert.equal(item.title, title);
    assert.equal(item.summary, 'A summary with ]]> and <b>tags</b> & entities', 'JSON Feed summaries are plain text, kept as written');
    assert.equal(item._wirefeed.image.caption, caption);
    assert.equal(item._wirefeed.related[0].title, relatedTitle);
    assert.equal(item._wirefeed.source.name, 'Hostile & Co');
  });
});
