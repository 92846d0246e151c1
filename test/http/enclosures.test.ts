// Media files other than pictures (a podcast's episode, a clip) come in as
// RSS enclosures, Atom enclosure links and JSON Feed attachments, and go out
// in all three formats: RSS's one <enclosure> slot holds the first, Atom and
// JSON Feed carry them all. JSON Feed 1.0's singular author, at item and
// feed level, reaches the published item. Fixture feeds are served from a
// local server and ingested; what the public sees is read over HTTP.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import {
  configWithSources,
  feedcheckFailures,
  feedcheckUnavailable,
  type FixtureServer,
  readWithFeedParser,
  readWithRssParser,
  serveFixtures,
  type TestContext,
  testContext,
} from '../helpers.js';

const fiftyParts = Array.from({ length: 50 }, (_, i) => `<enclosure url="https://cdn.tide.example/part${i + 1}.mp3" length="${i + 1}" type="audio/mpeg"/>`).join('\n');

const podcastRss = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tide Talk</title><link>https://tide.example/</link><description>Harbour podcast</description>
<item><guid>ep1</guid><title>Episode one: the gates</title><link>https://tide.example/ep1</link>
  <pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate><description>The gates, explained.</description>
  <enclosure url="https://cdn.tide.example/ep1.mp3" length="12345678" type="audio/mpeg"/></item>
<item><guid>ep2</guid><title>Episode two: with a cover</title><link>https://tide.example/ep2</link>
  <pubDate>Wed, 18 Nov 2026 08:00:00 GMT</pubDate><description>Cover and sound.</description>
  <enclosure url="https://cdn.tide.example/ep2.jpg" length="2048" type="image/jpeg"/>
  <enclosure url="media/ep2.mp3" length="99999999999999999999999"/>
  <enclosure url="javascript:alert(1)" length="1" type="audio/mpeg"/>
  <enclosure url="file:///etc/passwd" length="1" type="audio/mpeg"/></item>
<item><guid>ep3</guid><title>Episode three: in fifty parts</title><link>https://tide.example/ep3</link>
  <pubDate>Thu, 19 Nov 2026 08:00:00 GMT</pubDate><description>Too many parts.</description>
  ${fiftyParts}</item>
</channel></rss>`;

const clipsAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay Clips</title><id>urn:quay:clips</id><updated>2026-11-20T08:00:00Z</updated>
<link href="https://quay.example/"/>
<entry><id>urn:quay:clip-1</id><title>Crane lift, two angles</title><link href="https://quay.example/clips/1"/>
  <updated>2026-11-20T08:00:00Z</updated><summary>Two clips of the lift.</summary>
  <link rel="enclosure" type="video/mp4" length="5000000" href="https://cdn.quay.example/lift-a.mp4"/>
  <link rel="enclosure" type="video/webm" href="https://cdn.quay.example/lift-b.webm"/></entry>
</feed>`;

const showJson = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Harbour Show',
  home_page_url: 'https://show.example/',
  items: [
    {
      id: 'show-1',
      url: 'https://show.example/1',
      title: 'Show one',
      content_text: 'Listen in.',
      date_published: '2026-11-21T08:00:00Z',
      attachments: [{ url: 'https://cdn.show.example/1.m4a', mime_type: 'audio/x-m4a', size_in_bytes: 4096, title: 'Show one', duration_in_seconds: 1800 }],
    },
  ],
});

const oldJson = JSON.stringify({
  version: 'https://jsonfeed.org/version/1',
  title: 'Old Style Desk',
  home_page_url: 'https://old.example/',
  author: { name: 'Desk Editor', url: 'https://old.example/desk' },
  items: [
    { id: 'old-1', url: 'https://old.example/1', title: 'Own byline', content_text: 'x', author: { name: 'Ada Byline' }, date_published: '2026-11-22T08:00:00Z' },
    { id: 'old-2', url: 'https://old.example/2', title: 'No byline', content_text: 'x', date_published: '2026-11-22T09:00:00Z' },
  ],
});

type JsonAttachment = { url: string; mime_type: string; size_in_bytes?: number; title?: string; duration_in_seconds?: number };
type JsonItem = { url: string; title: string; image?: string; attachments?: JsonAttachment[]; authors?: { name: string }[] };
type AtomLink = { $: Record<string, string> };

describe('enclosures and JSON Feed 1.0 authors, published', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;

  before(async () => {
    server = await serveFixtures({
      '/tide.rss': { body: podcastRss, type: 'application/rss+xml' },
      '/clips.atom': { body: clipsAtom, type: 'application/atom+xml' },
      '/show.json': { body: showJson, type: 'application/feed+json' },
      '/old.json': { body: oldJson, type: 'application/json' },
    });
    ctx = testContext(
      configWithSources(`  - { slug: tide, name: Tide Talk, url: "${server.url}/tide.rss" }
  - { slug: quay, name: Quay Clips, url: "${server.url}/clips.atom" }
  - { slug: show, name: Harbour Show, url: "${server.url}/show.json" }
  - { slug: old, name: Old Style Desk, url: "${server.url}/old.json" }`),
    );
    const results = await runIngest(ctx, listSources(ctx.db));
    assert.deepEqual(
      results.map((r) => r.status),
      ['ok', 'ok', 'ok', 'ok'],
    );
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('RSS carries one <enclosure> per item: the first media file, else nothing for the picture to lose', async () => {
    const res = await request(app).get('/feeds/sources/tide.rss').expect(200);
    const items = (await readWithRssParser(res.text)).items;
    const byLink = new Map(items.map((i) => [i.link, i]));
    assert.deepEqual({ ...byLink.get('https://tide.example/ep1')?.enclosure }, { url: 'https://cdn.tide.example/ep1.mp3', length: '12345678', type: 'audio/mpeg' });
    // The cover stays the image (media:content); the sound, resolved against the channel link, takes the slot; no length is 0.
    const ep2 = byLink.get('https://tide.example/ep2');
    assert.deepEqual({ ...ep2?.enclosure }, { url: 'https://tide.example/media/ep2.mp3', length: '0', type: 'audio/mpeg' });
    assert.equal((ep2?.media as AtomLink[])[0]?.$.url, 'https://cdn.tide.example/ep2.jpg');
    assert.equal(byLink.get('https://tide.example/ep3')?.enclosure?.url, 'https://cdn.tide.example/part1.mp3');
    for (const item of res.text.split('<item>').slice(1)) assert.ok(item.split('<enclosure ').length <= 2, 'at most one enclosure per item');
  });

  test('Atom carries every media file as a rel="enclosure" link, with its type and any length', async () => {
    const res = await request(app).get('/feeds/sources/quay.atom').expect(200);
    const [clip] = (await readWithRssParser(res.text)).items;
    const enclosures = (clip?.links as AtomLink[]).filter((l) => l.$.rel === 'enclosure').map((l) => ({ ...l.$ }));
    assert.deepEqual(enclosures, [
      { rel: 'enclosure', href: 'https://cdn.quay.example/lift-a.mp4', type: 'video/mp4', length: '5000000' },
      { rel: 'enclosure', href: 'https://cdn.quay.example/lift-b.webm', type: 'video/webm' },
    ]);
    const again = await readWithFeedParser(res.text);
    assert.deepEqual(
      again.items[0]?.media.map((m) => m.url),
      ['https://cdn.quay.example/lift-a.mp4', 'https://cdn.quay.example/lift-b.webm'],
    );
  });

  test('Atom keeps the first ten of fifty, after the picture, and never a javascript: or file: URL', async () => {
    const res = await request(app).get('/feeds/sources/tide.atom').expect(200);
    const items = (await readWithRssParser(res.text)).items;
    const enclosuresOf = (link: string) =>
      (items.find((i) => i.link === link)?.links as AtomLink[]).filter((l) => l.$.rel === 'enclosure').map((l) => l.$.href);
    assert.deepEqual(
      enclosuresOf('https://tide.example/ep3'),
      Array.from({ length: 10 }, (_, i) => `https://cdn.tide.example/part${i + 1}.mp3`),
    );
    assert.deepEqual(enclosuresOf('https://tide.example/ep2'), ['https://cdn.tide.example/ep2.jpg', 'https://tide.example/media/ep2.mp3']);
    for (const format of ['rss', 'atom', 'json']) {
      const body = (await request(app).get(`/feeds/all.${format}`).expect(200)).text;
      assert.doesNotMatch(body, /javascript:|file:|passwd/, format);
    }
  });

  test('JSON Feed lists the picture and every media file as attachments, with mime_type and size_in_bytes', async () => {
    const show = (await request(app).get('/feeds/sources/show.json').expect(200)).body as { items: JsonItem[] };
    assert.deepEqual(show.items[0]?.attachments, [
      { url: 'https://cdn.show.example/1.m4a', mime_type: 'audio/x-m4a', title: 'Show one', size_in_bytes: 4096, duration_in_seconds: 1800 },
    ]);
    const tide = (await request(app).get('/feeds/sources/tide.json').expect(200)).body as { items: JsonItem[] };
    const ep2 = tide.items.find((i) => i.url === 'https://tide.example/ep2');
    assert.equal(ep2?.image, 'https://cdn.tide.example/ep2.jpg');
    assert.deepEqual(ep2?.attachments, [
      { url: 'https://cdn.tide.example/ep2.jpg', mime_type: 'image/jpeg' },
      { url: 'https://tide.example/media/ep2.mp3', mime_type: 'audio/mpeg' },
    ]);
    assert.equal(tide.items.find((i) => i.url === 'https://tide.example/ep3')?.attachments?.length, 10);
  });

  test("the article's JSON lists its media files", async () => {
    const id = ctx.db.prepare("SELECT id FROM articles WHERE url = 'https://tide.example/ep1'").pluck().get() as number;
    const res = await request(app).get(`/articles/${id}.json`).expect(200);
    assert.deepEqual(res.body.enclosures, [{ url: 'https://cdn.tide.example/ep1.mp3', type: 'audio/mpeg', length: 12345678, title: null, duration_seconds: null }]);
  });

  test("JSON Feed 1.0's item author, and its feed author for an item without one, are the published author", async () => {
    const json = (await request(app).get('/feeds/sources/old.json').expect(200)).body as { items: JsonItem[] };
    const authors = Object.fromEntries(json.items.map((i) => [i.title, i.authors]));
    assert.deepEqual(authors, { 'Own byline': [{ name: 'Ada Byline' }], 'No byline': [{ name: 'Desk Editor' }] });
    const rss = await readWithRssParser((await request(app).get('/feeds/sources/old.rss').expect(200)).text);
    assert.deepEqual(
      rss.items.map((i) => [i.title, i.creator]),
      [
        ['No byline', 'Desk Editor'],
        ['Own byline', 'Ada Byline'],
      ],
    );
  });

  describe('feedcheck', async () => {
    const skip = await feedcheckUnavailable();
    let listening: Server;

    before(async () => {
      if (skip) return;
      listening = createServer(app).listen(0, '127.0.0.1');
      await new Promise((resolve) => listening.once('listening', resolve));
    });

    after(async () => {
      if (skip) return;
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
    });

    test('feeds with enclosures pass every consumer', { skip }, async () => {
      const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      const urls = ['tide', 'quay', 'show'].flatMap((slug) => ['rss', 'atom', 'json'].map((f) => `${base}/feeds/sources/${slug}.${f}`));
      assert.deepEqual(await feedcheckFailures(urls), []);
    });
  });
});
