// The real web, in one ingest: every format, every encoding, and every kind
// of broken or hostile feed, served from one local server. Each source must
// end as expected, none may stop the others, the database must stay
// consistent and what we publish must stay valid for every consumer.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApp } from '../../../src/http/app.js';
import { runIngest } from '../../../src/ingest/run.js';
import type { SourceResult } from '../../../src/model.js';
import { listSources } from '../../../src/store/sources.js';
import {
  configWithSources,
  feedcheckFailures,
  feedcheckUnavailable,
  type FixtureRoute,
  type FixtureServer,
  serveFixtures,
  type TestContext,
  testContext,
} from '../../helpers.js';

const NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"';

function rss(items: string, decl = '<?xml version="1.0" encoding="utf-8"?>'): string {
  return `${decl}\n<rss version="2.0" ${NS}><channel><title>Fixture</title><link>https://web.example/</link><description>d</description>${items}</channel></rss>`;
}

function item(id: string, fields: string): string {
  return `<item><guid isPermaLink="false">${id}</guid><link>https://web.example/${id}</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate>${fields}</item>`;
}

const bigFeed = rss(
  Array.from({ length: 10_000 }, (_, i) => item(`big-${i}`, `<title>Big story ${i}</title><description>Summary ${i}.</description>`)).join('\n'),
);

// Each fixture: what it serves, and how its source must end.
const fixtures: Record<string, { route: FixtureRoute; expect: Omit<Partial<SourceResult>, 'error'> & { error?: RegExp } }> = {
  'rss-091': {
    route: { body: `<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>https://web.example/</link><description>d</description><language>en</language><item><title>Old school story</title><link>https://web.example/old-1</link><description>From 1999.</description></item></channel></rss>` },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'rss-10': {
    route: {
      body: `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://web.example/"><title>RDF</title><link>https://web.example/</link><description>d</description></channel><item rdf:about="https://web.example/rdf-1"><title>RDF story</title><link>https://web.example/rdf-1</link><description>One.</description><dc:date>2026-11-16T10:00:00Z</dc:date><dc:creator>Ola Berg</dc:creator></item></rdf:RDF>`,
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  atom: {
    route: {
      body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-11-17T09:00:00Z</updated><entry><id>urn:a:1</id><title>Atom story</title><link href="https://web.example/atom-1"/><updated>2026-11-17T09:00:00Z</updated><summary>S</summary></entry></feed>`,
      type: 'application/atom+xml',
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'json-10': {
    route: { body: JSON.stringify({ version: 'https://jsonfeed.org/version/1', title: 'J', items: [{ id: 'j1', url: 'https://web.example/j1', title: 'JSON one', content_text: 'Text.', date_published: '2026-11-15T10:00:00Z', author: { name: 'Ann' } }] }) },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'json-11': {
    route: { body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 'j11', url: 'https://web.example/j11', title: 'JSON eleven', content_html: '<p>Hi</p>', authors: [{ name: 'Bo' }] }] }), type: 'application/feed+json' },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'windows-1252': {
    route: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1252' });
      res.end(iconv.encode(rss(item('w1', '<title>Café “quotes” — dash</title>')), 'windows-1252'));
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'iso-8859-1': {
    route: { body: '', type: 'text/xml' },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'utf-16': {
    route: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(rss(item('u1', '<title>Ünïcödé in UTF-16</title>'), '<?xml version="1.0" encoding="utf-16"?>'), 'utf-16le')]));
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'shift-jis': {
    route: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(iconv.encode(rss(item('s1', '<title>東京湾の防潮堤</title>'), '<?xml version="1.0" encoding="Shift_JIS"?>'), 'shift_jis'));
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  'redirect-loop': {
    route: (_req, res) => {
      res.writeHead(302, { location: '/redirect-loop' }).end();
    },
    expect: { status: 'error', error: /^fetch: redirect loop/ },
  },
  timeout: {
    route: () => {
      // Never answers.
    },
    expect: { status: 'error', error: /^fetch: .*did not answer within 1000 ms/ },
  },
  oversized: {
    route: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = 'x'.repeat(1024 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 8 && res.write(chunk)) sent++;
        if (sent < 8) res.once('drain', pump);
        else res.end();
      };
      pump();
    },
    expect: { status: 'error', error: /^fetch: .*more than the 6291456 byte cap/ },
  },
  'rate-limited': {
    route: { body: 'slow down', status: 429 },
    expect: { status: 'error', httpStatus: 429, error: /HTTP 429/ },
  },
  'not-a-feed': {
    route: { body: '<!doctype html><html><body>Hello</body></html>', type: 'text/html' },
    expect: { status: 'error', error: /^parse: / },
  },
  'entity-bomb': {
    route: {
      body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><rss version="2.0"><channel><title>Bomb</title><link>https://web.example/</link><description>d</description><item><guid>bomb</guid><title>&g;</title><link>https://web.example/bomb</link></item></channel></rss>`,
    },
    expect: { status: 'error', error: /^parse: / },
  },
  'external-entity': {
    route: {
      body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>XXE</title><link>https://web.example/</link><description>d</description><item><guid>xxe</guid><title>Leak &xxe;</title><link>https://web.example/xxe</link></item></channel></rss>`,
    },
    expect: { status: 'error', error: /^parse: / },
  },
  big: {
    route: { body: bigFeed, type: 'application/rss+xml' },
    expect: { status: 'ok', itemsNew: 10_000 },
  },
  'bad-dates': {
    route: {
      body: rss(
        `<item><guid>d1</guid><title>No date</title><link>https://web.example/d1</link></item>` +
          `<item><guid>d2</guid><title>Garbage date</title><link>https://web.example/d2</link><pubDate>yesterday-ish</pubDate></item>` +
          `<item><guid>d3</guid><title>Future date</title><link>https://web.example/d3</link><pubDate>Sat, 01 Jan 2099 00:00:00 GMT</pubDate></item>` +
          `<item><guid>d4</guid><title>Odd zone</title><link>https://web.example/d4</link><pubDate>Tue, 17 Nov 2026 08:15:00 EST</pubDate></item>`,
      ),
    },
    expect: { status: 'ok', itemsNew: 4 },
  },
  'missing-guids': {
    route: {
      body: rss(
        `<item><title>Link only</title><link>https://web.example/m1?utm_source=feed</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate></item>` +
          `<item><title>Nothing but a title</title><pubDate>Tue, 17 Nov 2026 09:15:00 GMT</pubDate></item>`,
      ),
    },
    expect: { status: 'ok', itemsNew: 2 },
  },
  hostile: {
    route: {
      body: rss(
        item(
          'h1',
          `<title>Hostile markup</title><content:encoded><![CDATA[<p onclick="steal()">Text<script>alert(1)</script></p><img src="x.jpg" onerror="alert(2)"><a href="javascript:alert(3)">click</a><img src="https://track.example/p.gif" width="1" height="1"><iframe src="https://evil.example/"></iframe><iframe src="https://www.youtube.com/embed/abc123" width="560" onload="x()"></iframe><p>Share this: Facebook | X</p><p>You must be logged in to post a comment.</p>]]></content:encoded>`,
        ),
      ),
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  caption: {
    route: {
      body: rss(
        item(
          'c1',
          `<title>Caption twice</title><content:encoded><![CDATA[<figure><img src="https://web.example/gates.jpg"><figcaption>The gates at dawn. (AP Photo/Ana Ruiz)</figcaption></figure><p>The gates at dawn. (AP Photo/Ana Ruiz)</p><p>Body text.</p>]]></content:encoded>`,
        ),
      ),
    },
    expect: { status: 'ok', itemsNew: 1 },
  },
  updated: {
    route: { body: rss(item('up1', '<title>First version</title><description>Old.</description>')) },
    expect: { status: 'ok', itemsNew: 1 },
  },
};

// Latin-1 declared in the XML only, with a byte (0xE9) that is not UTF-8.
fixtures['iso-8859-1']!.route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(iconv.encode(rss(item('l1', '<title>Crème brûlée</title>'), '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1'));
};

describe('ingesting the hostile web', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let results: Record<string, SourceResult>;
  let started: number;

  before(async () => {
    server = await serveFixtures(Object.fromEntries(Object.entries(fixtures).map(([slug, f]) => [`/${slug}`, f.route])));
    const sources = Object.keys(fixtures)
      .map((slug) => `  - { slug: ${slug}, name: "${slug}", url: "${server.url}/${slug}" }`)
      .join('\n');
    ctx = testContext(configWithSources(sources, '', true, `  timeout_seconds: 1\n  max_bytes: ${6 * 1024 * 1024}\n`));
    started = Date.now();
    const list = await runIngest(ctx, listSources(ctx.db));
    results = Object.fromEntries(list.map((r) => [r.source, r]));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  const article = (guid: string) => ctx.db.prepare('SELECT * FROM articles WHERE guid = ?').get(guid) as Record<string, string | number | null>;

  test('every source ends as expected, and the failures are recorded against their own source', () => {
    for (const [slug, { expect }] of Object.entries(fixtures)) {
      const result = results[slug];
      assert.ok(result, `${slug} was ingested`);
      if (expect.status) assert.equal(result.status, expect.status, `${slug}: ${result.error}`);
      if (expect.itemsNew !== undefined) assert.equal(result.itemsNew, expect.itemsNew, slug);
      if (expect.httpStatus) assert.equal(result.httpStatus, expect.httpStatus, slug);
      if (expect.error) assert.match(result.error ?? '', expect.error, slug);
      const row = ctx.db.prepare('SELECT last_status, last_error FROM sources WHERE slug = ?').get(slug) as { last_status: string; last_error: string | null };
      assert.equal(row.last_status, result.status, slug);
      assert.equal(row.last_error, result.error ?? null, slug);
    }
  });

  test('every encoding comes out as the right text', () => {
    assert.equal(article('w1').title, 'Café “quotes” — dash');
    assert.equal(article('l1').title, 'Crème brûlée');
    assert.equal(article('u1').title, 'Ünïcödé in UTF-16');
    assert.equal(article('s1').title, '東京湾の防潮堤');
  });

  test('entities are never expanded into huge text, and external ones are never read', () => {
    const longest = ctx.db.prepare('SELECT max(length(title)) FROM articles').pluck().get() as number;
    assert.ok(longest < 1000, `longest title is ${longest} characters`);
    const leaked = ctx.db.prepare("SELECT count(*) FROM articles WHERE title LIKE '%root:%' OR content_html LIKE '%root:%'").pluck().get();
    assert.equal(leaked, 0);
  });

  test('dates: missing ones take the first-seen time, future ones are clamped, odd zones are read', () => {
    const now = Date.now();
    for (const guid of ['d1', 'd2', 'd3']) {
      const published = article(guid).published_at as number;
      assert.ok(published <= now && published >= started, `${guid} published ${new Date(published).toISOString()}`);
    }
    assert.equal(article('d4').published_at, Date.UTC(2026, 10, 17, 13, 15));
  });

  test('items without guids get stable ids: the link without tracking, else a hash', () => {
    assert.ok(article('https://web.example/m1'), 'the canonical link is the id');
    const hashed = ctx.db.prepare("SELECT guid FROM articles WHERE title = 'Nothing but a title'").pluck().get() as string;
    assert.match(hashed, /^sha1:[0-9a-f]{40}$/);
  });

  test('hostile HTML and boilerplate never reach the stored content', () => {
    const html = article('h1').content_html as string;
    assert.doesNotMatch(html, /script|onclick|onerror|onload|javascript:|evil\.example|track\.example|Share this|logged in/i);
    assert.match(html, /<iframe src="https:\/\/www\.youtube\.com\/embed\/abc123" width="560"><\/iframe>/, 'a video from an allowed host stays');
    assert.match(html, /<p>Text<\/p>/);
  });

  test('a caption printed twice is kept once, and the content\'s figure becomes the image with its credit', () => {
    const row = article('c1');
    assert.equal((row.content_html as string).match(/The gates at dawn/g)?.length, 1);
    assert.deepEqual([row.image_url, row.image_caption, row.image_credit], ['https://web.example/gates.jpg', 'The gates at dawn.', 'AP Photo/Ana Ruiz']);
  });

  test('a second ingest adds nothing, answers 304s cheaply, and updates a changed item in place', async () => {
    const before = ctx.db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
    const original = article('up1');
    server.routes.set('/updated', { body: rss(item('up1', '<title>Second version</title><description>New.</description>')) });
    ctx.db.prepare('UPDATE sources SET next_due_at = 0').run();
    const again = Object.fromEntries((await runIngest(ctx, listSources(ctx.db))).map((r) => [r.source, r]));
    assert.equal(again.big?.itemsNew, 0);
    assert.equal(again.updated?.itemsUpdated, 1);
    assert.equal(ctx.db.prepare('SELECT count(*) FROM articles').pluck().get(), before);
    const updated = article('up1');
    assert.deepEqual([updated.id, updated.published_at, updated.title], [original.id, original.published_at, 'Second version']);
  });

  test('the database passes its integrity check', () => {
    assert.equal(ctx.db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(ctx.db.pragma('foreign_key_check'), []);
  });

  test('the published feeds stay valid for every consumer', async (t) => {
    const skip = await feedcheckUnavailable();
    if (skip) return t.skip(skip);
    const app: Server = createServer(createApp(ctx)).listen(0, '127.0.0.1');
    await new Promise((resolve) => app.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      const paths = ['/feeds/all', '/feeds/sources/hostile', '/feeds/sources/shift-jis', '/feeds/sources/bad-dates', '/feeds/sources/rss-10'];
      const urls = paths.flatMap((p) => ['rss', 'atom', 'json'].map((f) => `${base}${p}.${f}?limit=200`));
      assert.deepEqual(await feedcheckFailures(urls), []);
    } finally {
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    }
  });
});
