import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

function rss(items: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel><title>Coast Wire</title><link>https://coast.example/</link><description>Wire</description>
  ${items}
  </channel></rss>`;
}

function item(guid: string, title: string, extra = ''): string {
  return `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title>
    <link>https://coast.example/${guid}?utm_source=rss</link>
    <pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate><dc:creator>Ana Pérez</dc:creator>
    <category>Environment</category><description>Summary of ${title}.</description>${extra}</item>`;
}

const goodFeed = rss(item('a1', 'Barrier gates tested') + item('a2', 'Rail strike called for Friday'));

describe('refreshing sources', () => {
  let server: FixtureServer;
  let ctx: TestContext;

  before(async () => {
    server = await serveFixtures({
      '/good.rss': { body: goodFeed, type: 'application/rss+xml' },
      '/broken.rss': { body: '<rss version="2.0"><channel><title>Broken & bad</title><item></channel>' },
      '/down.rss': { body: 'oops', status: 500 },
    });
    ctx = testContext(
      configWithSources(`  - { slug: coast, name: Coast Wire, url: "${server.url}/good.rss" }
  - { slug: broken, name: Broken Feed, url: "${server.url}/broken.rss" }
  - { slug: down, name: Down Feed, url: "${server.url}/down.rss" }`),
    );
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  const count = (sql: string, ...args: unknown[]) => ctx.db.prepare(sql).pluck().get(...args) as number;

  test('a good source is stored while a broken and a failing source are recorded as errors', async () => {
    const results = await runIngest(ctx, listSources(ctx.db));
    const bySlug = Object.fromEntries(results.map((r) => [r.source, r]));
    assert.equal(bySlug.coast?.status, 'ok');
    assert.equal(bySlug.coast?.itemsNew, 2);
    assert.equal(bySlug.broken?.status, 'error');
    assert.match(bySlug.broken?.error ?? '', /^parse: /);
    assert.equal(bySlug.down?.status, 'error');
    assert.match(bySlug.down?.error ?? '', /^fetch: .*HTTP 500/);

    const health = ctx.db.prepare('SELECT slug, last_status, last_error, error_count FROM sources ORDER BY slug').all() as {
      slug: string;
      last_status: string;
      last_error: string | null;
      error_count: number;
    }[];
    assert.deepEqual(
      health.map((h) => [h.slug, h.last_status, h.error_count]),
      [
        ['broken', 'error', 1],
        ['coast', 'ok', 0],
        ['down', 'error', 1],
      ],
    );
    assert.equal(count('SELECT count(*) FROM ingest_results WHERE status = ?', 'error'), 2);
    assert.equal(ctx.db.pragma('integrity_check', { simple: true }), 'ok');
  });

  test('the stored article is normalized, classified and tracking-free', () => {
    const row = ctx.db.prepare("SELECT * FROM articles WHERE guid = 'a2'").get() as Record<string, unknown>;
    assert.equal(row.url, 'https://coast.example/a2');
    assert.equal(row.author, 'Ana Pérez');
    assert.equal(row.published_at, Date.UTC(2026, 10, 17, 8, 15));
    const categories = ctx.db.prepare('SELECT category_slug FROM article_categories WHERE article_id = ? ORDER BY 1').pluck().all(row.id);
    // Environment maps to climate; the keyword "rail strike" in the title adds transport.
    assert.deepEqual(categories, ['climate', 'transport']);
  });

  test('ingesting the same feed again adds and changes nothing', async () => {
    const before = count('SELECT count(*) FROM articles');
    const [coast] = await runIngest(ctx, listSources(ctx.db).filter((s) => s.slug === 'coast'));
    assert.deepEqual([coast?.itemsSeen, coast?.itemsNew, coast?.itemsUpdated], [2, 0, 0]);
    assert.equal(count('SELECT count(*) FROM articles'), before);
  });

  test('a changed article is updated in place, keeping its id and published time', async () => {
    const original = ctx.db.prepare("SELECT id, published_at, updated_at FROM articles WHERE guid = 'a1'").get() as Record<string, number>;
    server.routes.set('/good.rss', {
      body: rss(item('a1', 'Barrier gates tested again', '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>New body</p>]]></content:encoded>') + item('a2', 'Rail strike called for Friday')),
    });
    const [coast] = await runIngest(ctx, listSources(ctx.db).filter((s) => s.slug === 'coast'));
    assert.deepEqual([coast?.itemsNew, coast?.itemsUpdated], [0, 1]);
    const updated = ctx.db.prepare("SELECT id, title, content_html, published_at, updated_at FROM articles WHERE guid = 'a1'").get() as Record<
      string,
      unknown
    >;
    assert.equal(updated.id, original?.id);
    assert.equal(updated.title, 'Barrier gates tested again');
    assert.equal(updated.content_html, '<p>New body</p>');
    assert.equal(updated.published_at, original?.published_at);
    assert.ok((updated.updated_at as number) > (original?.updated_at ?? 0), 'updated time moves forward');
    assert.equal(count('SELECT count(*) FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?)', 'coast'), 2);
  });

  test('a source that recovers has its error cleared', async () => {
    server.routes.set('/down.rss', { body: rss(item('d1', 'Back online')) });
    const [down] = await runIngest(ctx, listSources(ctx.db).filter((s) => s.slug === 'down'));
    assert.equal(down?.status, 'ok');
    const row = ctx.db.prepare("SELECT last_status, last_error, error_count FROM sources WHERE slug = 'down'").get();
    assert.deepEqual(row, { last_status: 'ok', last_error: null, error_count: 0 });
  });
});
