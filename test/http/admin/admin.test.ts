import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../../src/http/app.js';
import request from 'supertest';
import { ConfigError } from '../../../src/config/config.js';
import { createApp } from '../../../src/http/app.js';
import { listDueSources, listSources } from '../../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../../helpers.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const base = 'http://feeds.test';
const noSources = '  []';

function adminConfig(adminYaml = '') {
  return configWithSources(noSources, adminYaml);
}

const article = {
  title: 'Council <b>approves</b> the flood barrier',
  summary: 'The vote was 7 to 2.',
  content_html:
    '<p>The council voted <a href="/votes/12" onclick="steal()">yes</a>.</p><script>alert(1)</script><p><img src="https://img.example/b.jpg" alt="Barrier"></p>',
  author: 'Jane Doe',
  published: '2026-01-10T09:30:00+01:00',
  categories: ['climate'],
  tags: ['Port Elling'],
  image: { url: 'https://img.example/lead.jpg', caption: 'The barrier', credit: 'Photo: J. Doe' },
  related: [{ url: 'https://other.example/earlier-story', title: 'Earlier story' }],
  url: 'https://desk.example/news/council-approves-barrier',
};

describe('admin API: off without a token', () => {
  test('every /admin route answers 404 when no token is configured', async () => {
    const ctx = testContext(adminConfig());
    try {
      const app = createApp(ctx);
      await request(app).get('/admin/sources').set(auth).expect(404);
      await request(app).post('/admin/articles').set(auth).send(article).expect(404);
      await request(app).post('/admin/ingest').expect(404);
    } finally {
      ctx.close();
    }
  });

  test('a token shorter than 16 characters is a configuration error', () => {
    assert.throws(() => testContext(adminConfig('admin:\n  token: short\n')), ConfigError);
    assert.throws(() => testContext(adminConfig(), { WIREFEED_ADMIN_TOKEN: 'short' }), /WIREFEED_ADMIN_TOKEN/);
  });
});

describe('admin API: authentication', () => {
  let ctx: TestContext;
  let app: App;
  before(() => {
    ctx = testContext(adminConfig('admin:\n  token: config-token-abcdefghijkl\n'), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
  });
  after(() => ctx.close());

  test('a missing or wrong token is a 401 with WWW-Authenticate: Bearer; the environment token wins over the config one', async () => {
    const missing = await request(app).get('/admin/sources').expect(401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    const wrong = await request(app).get('/admin/sources').set('Authorization', 'Bearer config-token-abcdefghijkl').expect(401);
    assert.match(wrong.headers['www-authenticate'] ?? '', /^Bearer/);
    await request(app).get('/admin/sources').set('Authorization', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`).expect(401);
    await request(app).get('/admin/nowhere').expect(401);
    await request(app).get('/admin/sources').set(auth).expect(200);
  });

  test('a body is refused unless it is a JSON object of at most 1 MB', async () => {
    const malformed = await request(app).post('/admin/articles').set(auth).set('Content-Type', 'application/json').send('{"title": ').expect(400);
    assert.match(malformed.body.error, /not valid JSON/);
    await request(app).post('/admin/articles').set(auth).set('Content-Type', 'text/plain').send('title=x').expect(415);
    await request(app).post('/admin/articles').set(auth).send([1, 2]).expect(400);
    await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({ ...article, content_html: 'x'.repeat(1024 * 1024 + 10) })
      .expect(413);
  });
});

describe('admin API: articles', () => {
  let ctx: TestContext;
  let app: App;
  before(() => {
    ctx = testContext(adminConfig(), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
  });
  after(() => ctx.close());

  test('POST publishes a sanitized, classified article: 201, Location, the same JSON as GET /articles/{id}', async () => {
    const res = await request(app).post('/admin/articles').set(auth).send(article).expect(201);
    const id = Number(String(res.body.id).split('/').pop());
    assert.equal(res.headers.location, `${base}/articles/${id}`);
    const shown = await request(app).get(`/articles/${id}.json`).expect(200);
    const { guid, ...published } = res.body;
    assert.deepEqual(published, shown.body);
    assert.equal(shown.body.guid, undefined, 'the upstream guid is shown by the admin API only');

    const a = res.body;
    assert.equal(a.title, 'Council <b>approves</b> the flood barrier', 'plain text, markup kept as text');
    assert.equal(a.url, article.url);
    assert.equal(a.published, '2026-01-10T08:30:00.000Z');
    assert.doesNotMatch(a.content_html, /script|onclick|alert/);
    assert.match(a.content_html, /href="https:\/\/desk\.example\/votes\/12"/, 'links made absolute against the article URL');
    assert.deepEqual(a.categories, [{ slug: 'climate', label: 'Climate' }]);
    assert.deepEqual(a.tags, ['Port Elling']);
    assert.equal(a.author, 'Jane Doe');
    assert.deepEqual(a.image, { url: 'https://img.example/lead.jpg', type: null, caption: 'The barrier', credit: 'Photo: J. Doe' });
    assert.deepEqual(
      a.related.map((r: { url: string; kind: string }) => [r.url, r.kind]),
      [['https://other.example/earlier-story', 'explicit']],
    );
    assert.equal(a.source.slug, 'admin');
    assert.match(guid, /^urn:uuid:/);

    const all = await request(app).get('/feeds/all.json').expect(200);
    assert.deepEqual(all.body.items.map((i: { url: string }) => i.url), [article.url]);
    const own = await request(app).get('/feeds/sources/admin.json').expect(200);
    assert.equal(own.body.items.length, 1);
    const search = await request(app).get('/feeds/search.json?q=barrier').expect(200);
    assert.equal(search.body.items.length, 1);
  });

  test('the admin source is never fetched', () => {
    assert.deepEqual(listSources(ctx.db).map((s) => s.slug), []);
    assert.deepEqual(listDueSources(ctx.db, new Date(Date.now() + 365 * 86_400_000)).map((s) => s.slug), []);
  });

  test('an invalid article is a 400 that names the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...article, title: undefined }, 'title'],
      [{ ...article, title: '   ' }, 'title'],
      [{ ...article, url: 'ftp://desk.example/x' }, 'url'],
      [{ ...article, url: undefined }, 'url'],
      [{ ...article, published: 'yesterday' }, 'published'],
      [{ ...article, categories: ['climate', 'gardening'] }, 'categories.1'],
      [{ ...article, image: { url: 'javascript:alert(1)' } }, 'image.url'],
      [{ ...article, related: [{ url: 'nope' }] }, 'related.0.url'],
      [{ ...article, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await request(app).post('/admin/articles').set(auth).send(body).expect(400);
      assert.equal(res.body.field, field, JSON.stringify(res.body));
      assert.match(res.body.error, new RegExp(`^${field.replace('.', '\\.')}: `));
    }
  });

  test('a guid already published is a 409', async () => {
    await request(app).post('/admin/articles').set(auth).send({ ...article, guid: 'desk-1', url: 'https://desk.example/a' }).expect(201);
    await request(app).post('/admin/articles').set(auth).send({ ...article, guid: 'desk-1', url: 'https://desk.example/b' }).expect(409);
  });

  test('PUT replaces an article, keeping its id, guid and published time; unknown ids are 404', async () => {
    const created = await request(app).post('/admin/articles').set(auth).send({ ...article, guid: 'desk-2', url: 'https://desk.example/put' }).expect(201);
    const id = Number(String(created.body.id).split('/').pop());
    const replaced = await request(app)
      .put(`/admin/articles/${id}`)
      .set(auth)
      .send({ title: 'Barrier vote corrected', url: 'https://desk.example/put', content_html: '<p>Corrected.</p>', published: '2026-03-01T00:00:00Z' })
      .expect(200);
    assert.equal(replaced.body.id, created.body.id);
    assert.equal(replaced.body.guid, 'desk-2');
    assert.equal(replaced.body.title, 'Barrier vote corrected');
    assert.equal(replaced.body.content_html, '<p>Corrected.</p>');
    assert.equal(replaced.body.published, created.body.published);
    assert.deepEqual(replaced.body.categories, []);
    assert.deepEqual({ ...replaced.body, guid: undefined }, { ...(await request(app).get(`/articles/${id}`).expect(200)).body, guid: undefined });

    await request(app).put('/admin/articles/99999').set(auth).send(article).expect(404);
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, title: undefined }).expect(400);
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, guid: 'other' }).expect(409);
  });

  test('DELETE withdraws an article: 410 at /articles/{id}, gone from every feed and search, its id never reused', async () => {
    const body = { ...article, title: 'Withdrawn heron sighting', guid: 'desk-3', url: 'https://desk.example/heron', tags: ['Heron'] };
    const created = await request(app).post('/admin/articles').set(auth).send(body).expect(201);
    const id = Number(String(created.body.id).split('/').pop());
    await request(app).get('/feeds/tags/heron.json').expect(200);
    await request(app).delete(`/admin/articles/${id}`).set(auth).expect(204);

    await request(app).get(`/articles/${id}`).expect(410);
    await request(app).get(`/articles/${id}.json`).expect(410);
    await request(app).delete(`/admin/articles/${id}`).set(auth).expect(410);
    await request(app).put(`/admin/articles/${id}`).set(auth).send(body).expect(410);
    await request(app).delete('/admin/articles/99999').set(auth).expect(404);
    const urls = async (path: string) => ((await request(app).get(path).expect(200)).body.items as { url: string }[]).map((i) => i.url);
    for (const path of ['/feeds/all.json', '/feeds/sources/admin.json', '/feeds/categories/climate.json']) {
      assert.ok(!(await urls(path)).includes(body.url), path);
    }
    assert.deepEqual(await urls('/feeds/search.json?q=heron'), []);
    const tag = await request(app).get('/feeds/tags/heron.json');
    assert.ok(tag.status === 404 || tag.body.items.length === 0);
    const links = ctx.db.prepare('SELECT count(*) FROM related WHERE article_id = ? OR url = ?').pluck().get(id, body.url);
    assert.equal(links, 0);

    const next = await request(app).post('/admin/articles').set(auth).send({ ...body, guid: 'desk-4' }).expect(201);
    assert.ok(Number(String(next.body.id).split('/').pop()) > id);
  });

  test('articles that came from a feed cannot be replaced or withdrawn through the API', async () => {
    const sourceId = ctx.db.prepare("INSERT INTO sources (slug, name, url, origin) VALUES ('wire', 'Wire', 'https://wire.example/feed', 'opml')").run().lastInsertRowid;
    const id = ctx.db
      .prepare(
        `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
         VALUES (?, 'g', 'https://wire.example/1', 'Wire story', '', '', 1, 1, 1, 'h')`,
      )
      .run(sourceId).lastInsertRowid;
    await request(app).delete(`/admin/articles/${id}`).set(auth).expect(409);
    await request(app).put(`/admin/articles/${id}`).set(auth).send(article).expect(409);
  });
});

describe('admin API: sources', () => {
  let ctx: TestContext;
  let app: App;
  before(() => {
    ctx = testContext(
      configWithSources(`  - slug: configured\n    name: Configured\n    url: https://configured.example/feed.xml\n`),
      { WIREFEED_ADMIN_TOKEN: token },
    );
    app = createApp(ctx);
  });
  after(() => ctx.close());

  test('POST adds a source (origin admin) and GET lists it with its health', async () => {
    const res = await request(app)
      .post('/admin/sources')
      .set(auth)
      .send({ slug: 'public-wire', name: 'Public Wire', url: 'https://93.184.215.14/feed.xml', categories: ['transport'], every: '30m' })
      .expect(201);
    assert.equal(res.headers.location, `${base}/feeds/sources/public-wire.rss`);
    assert.equal(res.body.origin, 'admin');
    assert.equal(res.body.every_minutes, 30);
    assert.deepEqual(listSources(ctx.db).map((s) => s.slug), ['configured', 'public-wire']);

    const list = await request(app).get('/admin/sources').set(auth).expect(200);
    const added = list.body.find((s: { slug: string }) => s.slug === 'public-wire');
    assert.equal(added.enabled, true);
    assert.equal(added.last_status, null);
    assert.equal(added.articles, 0);
    assert.deepEqual(added.categories, ['transport']);
  });

  test('private, loopback and link-local hosts are refused with a 400 naming url', async () => {
    for (const url of ['http://127.0.0.1:8080/feed', 'http://10.1.2.3/feed', 'http://[::1]/feed', 'http://169.254.169.254/latest/meta-data/', 'http://localhost/feed']) {
      const res = await request(app).post('/admin/sources').set(auth).send({ slug: 'inside', name: 'Inside', url }).expect(400);
      assert.equal(res.body.field, 'url', url);
    }
    const scheme = await request(app).post('/admin/sources').set(auth).send({ slug: 'inside', name: 'Inside', url: 'file:///etc/passwd' }).expect(400);
    assert.equal(scheme.body.field, 'url');
    const patched = await request(app).patch('/admin/sources/public-wire').set(auth).send({ url: 'http://192.168.0.10/feed' }).expect(400);
    assert.equal(patched.body.field, 'url');
    assert.equal(ctx.db.prepare("SELECT count(*) FROM sources WHERE slug = 'inside'").pluck().get(), 0);
  });

  test('slugs taken, the reserved admin slug and config sources are refused', async () => {
    await request(app).post('/admin/sources').set(auth).send({ slug: 'public-wire', name: 'Again', url: 'https://93.184.215.14/other.xml' }).expect(409);
    await request(app).post('/admin/sources').set(auth).send({ slug: 'admin', name: 'Admin', url: 'https://93.184.215.14/other.xml' }).expect(409);
    await request(app).post('/admin/sources').set(auth).send({ slug: 'Bad Slug', name: 'Bad', url: 'https://93.184.215.14/x' }).expect(400);
    await request(app).patch('/admin/sources/configured').set(auth).send({ name: 'Renamed' }).expect(409);
    await request(app).delete('/admin/sources/configured').set(auth).expect(409);
    await request(app).patch('/admin/sources/nowhere').set(auth).send({ name: 'X' }).expect(404);
  });

  test('PATCH changes a source; DELETE disables it and keeps its articles', async () => {
    const res = await request(app)
      .patch('/admin/sources/public-wire')
      .set(auth)
      .send({ name: 'Public Wire (EU)', url: 'https://93.184.215.15/feed.xml', site_url: 'https://wire.example/', every: '1h' })
      .expect(200);
    assert.deepEqual(
      [res.body.name, res.body.url, res.body.site_url, res.body.every_minutes],
      ['Public Wire (EU)', 'https://93.184.215.15/feed.xml', 'https://wire.example/', 60],
    );
    await request(app).patch('/admin/sources/public-wire').set(auth).send({ enabled: 'yes' }).expect(400);

    const sourceId = ctx.db.prepare("SELECT id FROM sources WHERE slug = 'public-wire'").pluck().get();
    ctx.db
      .prepare(
        `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
         VALUES (?, 'g', 'https://wire.example/1', 'Kept story', '', '', 1, 1, 1, 'h')`,
      )
      .run(sourceId);
    await request(app).delete('/admin/sources/public-wire').set(auth).expect(204);
    assert.deepEqual(listSources(ctx.db).map((s) => s.slug), ['configured']);
    const feed = await request(app).get('/feeds/sources/public-wire.json').expect(200);
    assert.equal(feed.body.items.length, 1);
    const enabled = await request(app).patch('/admin/sources/public-wire').set(auth).send({ enabled: true }).expect(200);
    assert.equal(enabled.body.enabled, true);
  });

  test('POST /admin/sources/import takes OPML and reports what it did; private hosts are skipped', async () => {
    const opml = `<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Rail Daily" xmlUrl="https://93.184.215.20/rail.xml" htmlUrl="https://rail.example/" category="Transport"/>
  <outline text="Intranet" xmlUrl="http://10.0.0.5/feed"/>
  <outline text="Configured" xmlUrl="https://configured.example/feed.xml"/>
</body></opml>`;
    const res = await request(app).post('/admin/sources/import').set(auth).set('Content-Type', 'text/x-opml').send(opml).expect(200);
    assert.deepEqual(res.body.added.map((s: { slug: string }) => s.slug), ['rail-daily']);
    assert.deepEqual(res.body.added[0].categories, ['transport']);
    assert.deepEqual(
      res.body.skipped.map((s: { name: string }) => s.name).sort(),
      ['Configured', 'Intranet'],
    );
    assert.ok(listSources(ctx.db).some((s) => s.slug === 'rail-daily'));

    const bad = await request(app).post('/admin/sources/import').set(auth).set('Content-Type', 'application/xml').send('<opml><body>').expect(400);
    assert.match(bad.body.error, /opml/);
    await request(app).post('/admin/sources/import').set(auth).send({ opml }).expect(415);
  });
});

describe('admin API: ingest now', () => {
  let ctx: TestContext;
  let app: App;
  let server: FixtureServer;
  before(async () => {
    server = await serveFixtures({
      '/feed.xml': {
        body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title><link>https://local.example/</link>
<item><title>Tram line opens</title><link>https://local.example/tram</link><guid>tram</guid><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`,
      },
    });
    ctx = testContext(adminConfig('admin:\n  allow_private_sources: true\n'), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
  });
  after(async () => {
    ctx.close();
    await server.close();
  });

  test('with allow_private_sources a local source can be added, and POST /admin/ingest runs it now', async () => {
    await request(app).post('/admin/sources').set(auth).send({ slug: 'local', name: 'Local', url: `${server.url}/feed.xml` }).expect(201);
    const one = await request(app).post('/admin/ingest').set(auth).send({ source: 'local' }).expect(200);
    assert.deepEqual(
      one.body.results.map((r: { source: string; status: string; items_new: number }) => [r.source, r.status, r.items_new]),
      [['local', 'ok', 1]],
    );
    const all = await request(app).post('/admin/ingest').set(auth).expect(200);
    assert.deepEqual(all.body.results.map((r: { source: string; items_new: number }) => [r.source, r.items_new]), [['local', 0]]);
    // The fixture server ignores conditional GET: the same bytes again, with the article stored as it was, are not parsed.
    const [again] = all.body.results as { items_seen: number; items_prepared: number; document_unchanged: boolean }[];
    assert.deepEqual([again?.items_seen, again?.items_prepared, again?.document_unchanged], [1, 0, true]);
    server.routes.set('/feed.xml', {
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title><link>https://local.example/</link>
<item><title>Bus lane opens</title><link>https://local.example/bus</link><guid>bus</guid><pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate></item>
<item><title>Tram line opens</title><link>https://local.example/tram</link><guid>tram</guid><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`,
    });
    const changed = await request(app).post('/admin/ingest').set(auth).expect(200);
    const [next] = changed.body.results as { items_seen: number; items_prepared: number; items_new: number; document_unchanged: boolean }[];
    assert.deepEqual([next?.items_seen, next?.items_prepared, next?.items_new, next?.document_unchanged], [2, 1, 1, false]);
    await request(app).post('/admin/ingest').set(auth).send({ source: 'nowhere' }).expect(404);
    await request(app).post('/admin/ingest').set(auth).send({ sources: 'local' }).expect(400);
  });
});
