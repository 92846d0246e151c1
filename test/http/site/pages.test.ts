// The HTML pages through the real app on the demo content: what each page
// shows and links, the feed preview a browser gets where a feed reader gets
// the feed (and gets it unchanged), and the pages' caching and policy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { once } from 'node:events';
import { createServer, get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { type App, createApp } from '../../../src/http/app.js';
import { runIngest } from '../../../src/ingest/run.js';
import { createPartner } from '../../../src/store/partners.js';
import { listSources } from '../../../src/store/sources.js';
import { configWithSources, demoContext, type FixtureServer, serveFixtures, type TestContext, testContext } from '../../helpers.js';

const base = 'http://feeds.test';
const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('HTML pages (demo content)', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
  });
  after(() => ctx.close());

  const page = async (path: string, status = 200) => {
    const res = await request(app).get(path).set('Accept', browser).expect(status);
    assert.match(res.headers['content-type'] ?? '', /^text\/html; charset=utf-8/, path);
    return res;
  };

  test('the front page shows the latest stories, each linking to its article page, with byline, source, time and categories', async () => {
    const { text } = await page('/');
    const newest = ctx.db.prepare('SELECT id, title FROM articles WHERE story_id IS NULL ORDER BY published_at DESC, id DESC LIMIT 1').get() as { id: number; title: string };
    assert.ok(text.includes(`<a href="/articles/${newest.id}">`), 'headline links to the article page');
    assert.match(text, /<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC<\/time>/);
    assert.match(text, /<span class="author">By [^<]+<\/span>/);
    assert.match(text, /<a href="\/sources\/[\w-]+">/);
    assert.match(text, /<ul class="categories" aria-label="Categories"><li><a href="\/categories\/[\w-]+">/);
    assert.match(text, /<img src="https:\/\/[^"]+" alt="" loading="lazy">/);
  });

  test('every page announces its feeds in all three formats and shows their addresses to copy', async () => {
    for (const path of ['/', '/categories/climate', '/sources/harbor-wire', '/tags/port-elling', '/search?q=flood', '/articles/1']) {
      const { text } = await page(path);
      for (const type of ['application/rss\\+xml', 'application/atom\\+xml', 'application/feed\\+json']) {
        assert.match(text, new RegExp(`<link rel="alternate" type="${type}" title="[^"]+" href="${base}/feeds/`), `${path}: ${type}`);
      }
      assert.match(text, new RegExp(`<input id="[\\w-]+-rss" type="text" readonly value="${base}/feeds/[^"]+\\.rss[^"]*"`), path);
      assert.match(text, /<input id="[\w-]+-json" type="text" readonly value="[^"]+\.json[^"]*"/, path);
    }
    const climate = (await page('/categories/climate')).text;
    assert.ok(climate.includes(`value="${base}/feeds/categories/climate.atom"`));
    const search = (await page('/search?q=flood')).text;
    assert.ok(search.includes(`value="${base}/feeds/search.rss?q=flood"`));
  });

  test('the feed list leaves out categories with no stories and gives each feed its count and latest date', async () => {
    const { text } = await page('/');
    const empty = ctx.db.prepare('SELECT slug FROM categories WHERE slug NOT IN (SELECT category_slug FROM article_categories)').pluck().all() as string[];
    assert.ok(empty.includes('world'), 'the demo has an empty category');
    for (const slug of empty) assert.ok(!text.includes(`/feeds/categories/${slug}.`), `${slug} is listed`);
    const climate = ctx.db.prepare("SELECT count(*) AS n, max(published_at) AS t FROM article_categories WHERE category_slug = 'climate'").get() as { n: number; t: number };
    const row = new RegExp(`<th scope="row"><a href="/categories/climate">Climate</a></th><td>${climate.n}</td><td><time datetime="${new Date(climate.t).toISOString()}">`);
    assert.match(text, row);
    assert.ok(!text.includes('1970'));
  });

  test('category, source and tag pages list their stories; an unknown one is a short plain 404', async () => {
    const climate = (await page('/categories/climate')).text;
    assert.match(climate, /<h1>Climate<\/h1>/);
    const ids = ctx.db.prepare("SELECT article_id FROM article_categories WHERE category_slug = 'climate'").pluck().all() as number[];
    assert.ok(ids.some((id) => climate.includes(`href="/articles/${id}"`)));
    assert.match((await page('/sources/harbor-wire')).text, /<h1>Harbor Wire<\/h1>/);
    assert.match((await page('/tags/port-elling')).text, /<h1>Port Elling<\/h1>/);
    for (const path of ['/categories/astrology', '/sources/nobody', '/tags/nothing', '/articles/999999']) {
      const res = await request(app).get(path).set('Accept', browser).expect(404);
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
      assert.match(res.text, /^Not found: /);
    }
  });

  test('search: a form that GETs ?q=, results best first, and a query it cannot search is a 400 that says why', async () => {
    const empty = (await page('/search')).text;
    assert.match(empty, /<form class="search" role="search" action="\/search" method="get">/);
    const found = (await page('/search?q=flood%20barrier')).text;
    assert.match(found, /<h1>Search: flood barrier<\/h1>/);
    assert.match(found, /href="\/articles\/\d+"/);
    const bad = await request(app).get('/search?q=%21%21%21').set('Accept', browser).expect(400);
    assert.match(bad.text, /needs a word/);
  });

  test('the article page has the image with caption and credit, byline, attribution with the original link, and related stories', async () => {
    const withImage = ctx.db
      .prepare("SELECT id, url, title, image_caption, image_credit FROM articles WHERE image_caption IS NOT NULL AND image_credit IS NOT NULL AND url LIKE 'http%' LIMIT 1")
      .get() as { id: number; url: string; title: string; image_caption: string; image_credit: string };
    const { text } = await page(`/articles/${withImage.id}`);
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    assert.ok(text.includes(`<h1>${esc(withImage.title)}</h1>`));
    assert.match(text, /<figure>\n<img src="https:\/\/[^"]+" alt="[^"]*">\n<figcaption>/);
    assert.ok(text.includes(esc(withImage.image_caption)) && text.includes(`<span class="credit">${esc(withImage.image_credit)}</span>`));
    assert.ok(text.includes(`href="${esc(withImage.url)}"`), 'links to the original');
    assert.match(text, /<p class="attribution">Source: <a href="\/sources\/[\w-]+">/);
    const sameStory = ctx.db.prepare("SELECT article_id FROM related WHERE kind = 'same-story' LIMIT 1").pluck().get() as number | undefined;
    if (sameStory !== undefined) assert.match((await page(`/articles/${sameStory}`)).text, /The same story from other sources/);
    // An article whose published related list (its JSON: edits applied, one per story) has a story that is not the same story.
    const candidates = ctx.db.prepare("SELECT DISTINCT article_id FROM related WHERE kind IN ('computed', 'explicit', 'follow-up') ORDER BY article_id").pluck().all() as number[];
    let related: number | undefined;
    for (const id of candidates) {
      const json = await request(app).get(`/articles/${id}.json`).expect(200);
      if ((json.body.related as { kind: string }[]).some((r) => r.kind !== 'same-story')) {
        related = id;
        break;
      }
    }
    assert.ok(related !== undefined, 'the demo has an article with related stories');
    assert.match((await page(`/articles/${related}`)).text, /<h2 id="related-heading">Related stories<\/h2>/);
  });

  test('/articles/{id} is JSON without Accept, for Accept: application/json and at .json; HTML for a browser; both Vary on Accept', async () => {
    for (const [path, accept] of [['/articles/1', undefined], ['/articles/1', 'application/json'], ['/articles/1', '*/*'], ['/articles/1.json', browser]] as const) {
      const req = request(app).get(path);
      if (accept) req.set('Accept', accept);
      const res = await req.expect(200);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/, `${path} ${accept}`);
      assert.match(res.headers.vary ?? '', /Accept/);
    }
    const html = await page('/articles/1');
    assert.match(html.headers.vary ?? '', /\bAccept\b/);
  });

  test('pages come with ETag, Last-Modified, Cache-Control, compression and 304, and a policy that allows no script', async () => {
    const res = await page('/');
    const etag = res.headers.etag!;
    assert.match(etag, /^"[\w-]+"$/);
    assert.ok(res.headers['last-modified']);
    assert.equal(res.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
    const csp = res.headers['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    assert.doesNotMatch(res.text, /<script|\son\w+=/i);
    await request(app).get('/').set('Accept', browser).set('If-None-Match', etag).expect(304);
    const gz = await rawGet(app, '/', { accept: browser, 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), res.text);
    const br = await rawGet(app, '/', { accept: browser, 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), res.text);
    await request(app).get('/').set('Accept', browser).set('Accept-Encoding', 'br').set('If-None-Match', String(br.headers.etag)).expect(304);
  });

  test('the stylesheet is named by its content and cached for a year', async () => {
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec((await page('/')).text)?.[1];
    assert.match(href ?? '', /^\/pages\.css\?v=[\w-]+$/);
    const css = await request(app).get(href!).expect(200);
    assert.match(css.headers['content-type'] ?? '', /^text\/css/);
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
  });
});

describe('feed preview: a browser opening a feed URL gets a page, a feed reader the feed', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
  });
  after(() => ctx.close());

  const feedPaths = ['/feeds/all.rss', '/feeds/all.atom', '/feeds/all.json', '/feeds/categories/climate.rss', '/feeds/sources/harbor-wire.atom', '/feeds/tags/port-elling.json', '/feeds/search.rss?q=flood'];
  const readers: [string, string | undefined][] = [
    ['no Accept', undefined],
    ['curl', '*/*'],
    ['a feed reader', 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.7'],
    ['a reader that also takes HTML', 'application/atom+xml, application/rss+xml, text/html;q=0.9'],
  ];

  test('feed readers get the feed byte for byte as before, with the same ETag, from Express and from the fast path', async () => {
    for (const path of feedPaths) {
      const reference = await request(app).get(path).buffer(true).parse(raw).expect(200);
      assert.doesNotMatch(reference.headers['content-type'] ?? '', /html/, path);
      for (const [name, accept] of readers) {
        // Twice: the second is answered by the fast path once the URL is known.
        for (let i = 0; i < 2; i++) {
          const req = request(app).get(path).buffer(true).parse(raw);
          if (accept) req.set('Accept', accept);
          const res = await req.expect(200);
          assert.equal(res.headers['content-type'], reference.headers['content-type'], `${path}, ${name}`);
          assert.deepEqual(res.body, reference.body, `${path}, ${name}`);
          assert.equal(res.headers.etag, reference.headers.etag, `${path}, ${name}`);
          assert.match(res.headers.vary ?? '', /^Accept, /);
        }
      }
    }
  });

  test('a browser gets a readable preview: the items, the feed URL to copy and how to subscribe; its ETag is not the feed\'s', async () => {
    for (const path of feedPaths) {
      const feed = await request(app).get(path).expect(200);
      // Known to the fast path now: the browser must still get the page.
      const res = await request(app).get(path).set('Accept', browser).expect(200);
      assert.match(res.headers['content-type'] ?? '', /^text\/html/, path);
      assert.match(res.headers.vary ?? '', /^Accept, /);
      assert.notEqual(res.headers.etag, feed.headers.etag, path);
      assert.match(res.text, /<p class="kind">Feed preview<\/p>/);
      assert.match(res.text, /This is a web feed/);
      const url = `${base}${path}`.replace(/&/g, '&amp;');
      assert.ok(res.text.includes(`readonly value="${url}"`), `${path}: its own URL to copy`);
      assert.match(res.text, /<ol class="stories">/, path);
      await request(app).get(path).set('Accept', browser).set('If-None-Match', res.headers.etag!).expect(304);
    }
  });

  test('?view=html asks for the preview whatever the Accept; the XSLT stays for browsers that apply it', async () => {
    const res = await request(app).get('/feeds/all.rss?view=html').expect(200);
    assert.match(res.headers['content-type'] ?? '', /^text\/html/);
    assert.match(res.text, /This is a web feed/);
    const feed = await request(app).get('/feeds/all.rss').expect(200);
    assert.match(feed.text, /<\?xml-stylesheet [^>]*href="[^"]*\/feed\.xsl"/);
    await request(app).get('/feed.xsl').expect(200);
  });

  test('what a feed route refuses, its preview refuses the same way', async () => {
    for (const [path, status] of [['/feeds/categories/astrology.rss', 404], ['/feeds/search.rss', 400], ['/feeds/all.rss?limit=0', 400], ['/feeds/all.xml', 404]] as const) {
      const feed = await request(app).get(path).expect(status);
      const preview = await request(app).get(path).set('Accept', browser).expect(status);
      assert.match(preview.headers['content-type'] ?? '', /^text\/plain/);
      assert.equal(preview.text, feed.text, path);
    }
  });
});

describe('summary or full text on the article page: the same decision the feeds make', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;
  let key: string;
  const BODY_ONLY = 'only-in-the-body-7Qx';

  before(async () => {
    const upstream = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Quay Notes',
      home_page_url: 'https://quay.example/',
      items: [
        {
          id: 'one',
          url: 'https://quay.example/one',
          title: 'Market <day> moves to the "quay"',
          summary: 'Stalls move.',
          content_html: `<p>Stalls open at eight. ${BODY_ONLY}</p>`,
          date_published: '2026-11-20T08:00:00Z',
        },
      ],
    });
    server = await serveFixtures({ '/quay.json': { body: upstream, type: 'application/feed+json' } });
    ctx = testContext(configWithSources(`  - { slug: quay, name: Quay Notes, url: "${server.url}/quay.json" }`, '', false));
    await runIngest(ctx, listSources(ctx.db));
    key = createPartner(ctx.db, 'Full Wire', { fullText: true, categories: [] }).key;
    app = createApp(ctx);
  });
  after(async () => {
    ctx.close();
    await server.close();
  });

  test('the public page has the summary and a link to the full story, never the body; its title is escaped', async () => {
    const id = ctx.db.prepare('SELECT id FROM articles').pluck().get() as number;
    for (const path of ['/', `/articles/${id}`, '/sources/quay', '/feeds/all.rss']) {
      const res = await request(app).get(path).set('Accept', browser).expect(200);
      assert.ok(!res.text.includes(BODY_ONLY), `${path} shows the body`);
      assert.ok(res.text.includes('Market &lt;day&gt; moves to the &quot;quay&quot;'), `${path} escapes the title`);
    }
    assert.match((await request(app).get(`/articles/${id}`).set('Accept', browser)).text, /Read the full story at Quay Notes/);
  });

  test('a partner whose key allows full text gets the body, privately cached', async () => {
    const id = ctx.db.prepare('SELECT id FROM articles').pluck().get() as number;
    const res = await request(app).get(`/articles/${id}`).set('Accept', browser).set('Authorization', `Bearer ${key}`).expect(200);
    assert.ok(res.text.includes(BODY_ONLY));
    assert.match(res.headers['cache-control'] ?? '', /^private/);
    const byQuery = await request(app).get(`/articles/${id}?key=${key}`).set('Accept', browser).expect(200);
    assert.ok(byQuery.text.includes(BODY_ONLY));
    // And the public page after it is still the public one (the cache keeps tiers apart).
    assert.ok(!(await request(app).get(`/articles/${id}`).set('Accept', browser)).text.includes(BODY_ONLY));
  });
});

/** One GET through a real socket, the body as sent (supertest would decompress it). */
async function rawGet(app: App, path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** supertest's parser for a body kept as bytes (compressed, or compared byte for byte). */
function raw(res: request.Response, done: (err: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
