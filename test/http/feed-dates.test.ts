// Languages and dates readers rely on: Atom's xml:lang (the site's, an
// entry's own where it differs), RSS items' modified date beside pubDate, an
// empty feed dated when the database was made rather than 1970; and an empty
// category is not advertised (index, OPML) while its feed still answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
const gardening = '  - slug: gardening\n    label: Gardening\n';

describe('feed languages and dates', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = testContext(configWithSources(source, gardening).replace('  author: Test Desk\n', '  author: Test Desk\n  language: en-GB\n'));
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('Atom carries the site language on <feed>, and an entry\'s own language where it differs', async () => {
    const id = ctx.db.prepare('SELECT id FROM articles ORDER BY published_at DESC LIMIT 1').pluck().get() as number;
    ctx.db.prepare("UPDATE articles SET language = 'fr' WHERE id = ?").run(id);
    const atom = (await request(app).get('/feeds/all.atom').expect(200)).text;
    assert.match(atom, /<feed [^>]*xml:lang="en-GB"[^>]*>/);
    assert.equal(atom.match(/<entry xml:lang="fr">/g)?.length, 1);
  });

  test('an RSS item updated after it was published carries atom:updated; pubDate is the publication', async () => {
    const rows = ctx.db.prepare('SELECT id, published_at, updated_at FROM articles').all() as { id: number; published_at: number; updated_at: number }[];
    const changed = rows.find((r) => r.updated_at !== r.published_at);
    const same = rows.find((r) => r.updated_at === r.published_at);
    assert.ok(changed && same, 'the demo has both kinds');
    const rss = (await request(app).get('/feeds/all.rss?limit=200').expect(200)).text;
    const item = (id: number) => rss.split('<item>').find((i) => i.includes(`/articles/${id}</guid>`)) ?? '';
    assert.ok(item(changed.id).includes(`<atom:updated>${new Date(changed.updated_at).toISOString()}</atom:updated>`), item(changed.id));
    assert.ok(item(changed.id).includes(`<pubDate>${new Date(changed.published_at).toUTCString()}</pubDate>`));
    assert.ok(!item(same.id).includes('<atom:updated>'));
  });

  test('an empty category feed answers 200, dated when the database was created, not 1970', async () => {
    const created = ctx.db.prepare('SELECT min(applied_at) FROM schema_migrations').pluck().get() as number;
    const rss = (await request(app).get('/feeds/categories/gardening.rss').expect(200)).text;
    assert.ok(!rss.includes('<item>'));
    assert.ok(rss.includes(`<lastBuildDate>${new Date(created).toUTCString()}</lastBuildDate>`), rss);
    const atom = (await request(app).get('/feeds/categories/gardening.atom').expect(200)).text;
    assert.ok(atom.includes(`<updated>${new Date(created).toISOString()}</updated>`));
    assert.doesNotMatch(rss + atom, /1970/);
  });

  test('an empty category is not advertised on the index or in the OPML list', async () => {
    const index = (await request(app).get('/').expect(200)).text;
    const opml = (await request(app).get('/opml').expect(200)).text;
    assert.ok(index.includes('/feeds/categories/climate.'));
    assert.ok(opml.includes('/feeds/categories/climate.rss'));
    assert.ok(!index.includes('/feeds/categories/gardening.'));
    assert.ok(!opml.includes('/feeds/categories/gardening.'));
  });
});
