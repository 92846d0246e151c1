import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp, type App } from '../../../src/http/app.js';
import { encodeQueuedKey } from '../../../src/publish/edge/keys.js';
import { batchesOf, passOnce } from '../../../src/publish/push/changes.js';
import { changeBacklog } from '../../../src/store/changed-keys.js';
import { createPartner } from '../../../src/store/partners.js';
import { findSourceBySlug } from '../../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../../helpers.js';

const token = 'edge-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };

interface Purge {
  method: string;
  url: string;
  keys: string[];
  apiKey?: string;
}

/** A purge endpoint that records what it is sent and answers `status()`. */
async function purgeCatcher(status: () => number = () => 200): Promise<FixtureServer & { purges: Purge[] }> {
  const purges: Purge[] = [];
  const record = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const keys = String(req.headers['surrogate-key'] ?? '').split(' ').filter(Boolean);
    purges.push({ method: req.method ?? '', url: req.url ?? '', keys, apiKey: req.headers['fastly-key'] as string | undefined });
    res.writeHead(status()).end();
  };
  const server = await serveFixtures({ '/': record });
  // Any path: the `{key}` form puts the key in it.
  const routes = server.routes;
  const get = routes.get.bind(routes);
  routes.get = (path: string) => get(path) ?? record;
  return Object.assign(server, { purges });
}

function edgeConfig(purgerYaml: string): string {
  return configWithSources(
    '  []',
    `admin:\n  token: ${token}\nedge:\n  purgers:\n${purgerYaml}\n`,
    false,
  );
}

function article(title: string, categories: string[], tags: string[] = []) {
  const url = `https://desk.example/news/${title.toLowerCase().replace(/\W+/g, '-')}`;
  return { title, url, summary: `${title}: the summary.`, content_html: `<p>${title}.</p>`, categories, tags, published: '2026-11-30T09:00:00Z' };
}

async function publish(app: App, body: object): Promise<number> {
  const res = await request(app).post('/admin/articles').set(auth).send(body).expect(201);
  return Number(/\/articles\/(\d+)$/.exec(res.headers.location!)![1]);
}

describe('edge: what public answers tell the cache in front', () => {
  let ctx: TestContext;
  let app: App;
  let catcher: Awaited<ReturnType<typeof purgeCatcher>>;
  let first: number;
  let second: number;
  before(async () => {
    catcher = await purgeCatcher();
    ctx = testContext(edgeConfig(`    - url: ${catcher.url}/`));
    app = createApp(ctx);
    first = await publish(app, article('Flood barrier approved', ['climate'], ['Port Elling']));
    second = await publish(app, article('Rail strike called off', ['transport']));
  });
  after(async () => {
    ctx.close();
    await catcher.close();
  });

  test('a feed names its list and every story in it; the edge may keep it a day, readers five minutes', async () => {
    const res = await request(app).get('/feeds/categories/climate.rss').expect(200);
    assert.deepEqual(res.headers['surrogate-key']!.split(' '), ['category/climate', `article/${first}`]);
    assert.equal(res.headers['surrogate-control'], 'max-age=86400, stale-while-revalidate=60, stale-if-error=86400');
    assert.equal(res.headers['cdn-cache-control'], res.headers['surrogate-control']);
    assert.equal(res.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
    const all = await request(app).get('/feeds/all.json').expect(200);
    assert.deepEqual(all.headers['surrogate-key']!.split(' ').sort(), ['all', `article/${first}`, `article/${second}`].sort());
  });

  test('a 304 carries the same keys, so that a cache refreshing its copy keeps them', async () => {
    const res = await request(app).get('/feeds/categories/climate.atom').expect(200);
    const again = await request(app).get('/feeds/categories/climate.atom').set('If-None-Match', res.headers.etag!).expect(304);
    assert.equal(again.headers['surrogate-key'], res.headers['surrogate-key']);
    assert.equal(again.headers['surrogate-control'], res.headers['surrogate-control']);
  });

  test('pages, tag and source feeds, article JSON and listings carry their keys', async () => {
    const page = await request(app).get('/categories/climate').set('Accept', 'text/html').expect(200);
    assert.deepEqual(page.headers['surrogate-key']!.split(' '), ['category/climate', `article/${first}`]);
    const tag = await request(app).get('/feeds/tags/port-elling.rss').expect(200);
    assert.equal(tag.headers['surrogate-key'], `tag/port-elling article/${first}`);
    const sourceId = findSourceBySlug(ctx.db, 'admin')?.id;
    assert.ok(sourceId !== undefined, 'articles published through the admin API have the admin source');
    const source = await request(app).get('/feeds/sources/admin.rss').expect(200);
    assert.match(source.headers['surrogate-key']!, new RegExp(`^source/${sourceId} `));
    const json = await request(app).get(`/articles/${first}.json`).expect(200);
    assert.equal(json.headers['surrogate-key'], `article/${first}`);
    const articlePage = await request(app).get(`/articles/${second}`).set('Accept', 'text/html').expect(200);
    assert.equal(articlePage.headers['surrogate-key'], `article/${second}`);
    for (const path of ['/categories', '/tags', '/opml', '/']) {
      const res = await request(app).get(path).expect(200);
      assert.match(res.headers['surrogate-key']!, /^all\b/, path);
    }
  });

  test("a partner's answer carries no keys, and the cache in front is told not to store it", async () => {
    const { key } = createPartner(ctx.db, 'Edge Partner', { fullText: true, categories: [] });
    const res = await request(app).get('/feeds/all.rss').set('Authorization', `Bearer ${key}`).expect(200);
    assert.equal(res.headers['surrogate-key'], undefined);
    assert.equal(res.headers['surrogate-control'], 'no-store');
    assert.match(res.headers['cache-control']!, /^private\b/);
    const json = await request(app).get(`/articles/${first}.json`).set('Authorization', `Bearer ${key}`).expect(200);
    assert.equal(json.headers['surrogate-key'], undefined);
  });

  test('a 404 carries no key and is never kept by the cache in front, so a new tag is not hidden behind it', async () => {
    const res = await request(app).get('/feeds/tags/nothing-here.rss').expect(404);
    assert.equal(res.headers['surrogate-key'], undefined);
    assert.equal(res.headers['surrogate-control'], undefined);
    assert.equal(res.headers['cache-control'], 'no-cache');
    const page = await request(app).get('/tags/nothing-here').set('Accept', 'text/html').expect(404);
    assert.equal(page.headers['cache-control'], 'no-cache');
  });
});

describe('edge: purging what a change touched', () => {
  test('a new article purges everything, its source, category, tags and itself, and nothing else, in one request', async () => {
    const catcher = await purgeCatcher();
    const ctx = testContext(edgeConfig(`    - url: ${catcher.url}/\n      headers: { Fastly-Key: secret-api-key }`));
    try {
      const app = createApp(ctx);
      await passOnce(ctx); // what opening the database queued (the configured categories)
      catcher.purges.length = 0;
      const id = await publish(app, article('Storm closes the port', ['climate'], ['Port Elling', 'Москва']));
      await passOnce(ctx);
      assert.equal(catcher.purges.length, 1);
      const [purge] = catcher.purges;
      assert.equal(purge!.method, 'PURGE');
      assert.equal(purge!.apiKey, 'secret-api-key');
      const sourceId = findSourceBySlug(ctx.db, 'admin')?.id;
      const expected = ['all', `article/${id}`, 'category/climate', 'tag/port-elling', `tag/${encodeURIComponent('москва')}`];
      assert.ok(sourceId !== undefined, 'the admin source');
      expected.push(`source/${sourceId}`);
      assert.deepEqual([...purge!.keys].sort(), expected.sort());
      assert.ok(!purge!.keys.includes('category/transport'), 'an unrelated category is not purged');
      // The keys purged are the keys the answers carry.
      const feed = await request(app).get(`/feeds/tags/${encodeURIComponent('москва')}.rss`).expect(200);
      assert.ok(feed.headers['surrogate-key']!.split(' ').every((k) => purge!.keys.includes(k)));
      assert.equal(changeBacklog(ctx.db, Date.now()).keys, 0);
      await passOnce(ctx);
      assert.equal(catcher.purges.length, 1, 'nothing is purged twice');
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('a correction and a withdrawal purge the answers that show the article', async () => {
    const catcher = await purgeCatcher();
    const ctx = testContext(edgeConfig(`    - url: ${catcher.url}/`));
    try {
      const app = createApp(ctx);
      const id = await publish(app, article('Bridge reopens', ['transport']));
      await passOnce(ctx);
      catcher.purges.length = 0;
      await request(app).put(`/admin/articles/${id}`).set(auth).send(article('Bridge reopens to traffic', ['transport'])).expect(200);
      await passOnce(ctx);
      assert.ok(catcher.purges.flatMap((p) => p.keys).includes(`article/${id}`));
      catcher.purges.length = 0;
      await request(app).delete(`/admin/articles/${id}`).set(auth).expect(204);
      await passOnce(ctx);
      assert.ok(catcher.purges.flatMap((p) => p.keys).includes(`article/${id}`));
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('a purger that fails gets the keys again after a back-off, and the queue never blocks a change', async () => {
    let status = 503;
    const catcher = await purgeCatcher(() => status);
    const ctx = testContext(edgeConfig(`    - url: ${catcher.url}/`));
    try {
      const app = createApp(ctx);
      await publish(app, article('Tram line opens', ['transport']));
      const failures: string[] = [];
      await passOnce(ctx, { onPurge: (_p, outcome) => failures.push(outcome) });
      assert.deepEqual(failures, ['failed']);
      const waiting = changeBacklog(ctx.db, Date.now()).keys;
      assert.ok(waiting > 0);
      // Another change lands while the purger is down: the admin API answers as usual.
      await publish(app, article('Tram line delayed', ['transport']));
      const sent = catcher.purges.length;
      await passOnce(ctx);
      // Only the new change's keys are due; the failed ones wait for their back-off.
      assert.ok(catcher.purges.length <= sent + 1);
      status = 200;
      ctx.db.prepare('UPDATE changed_keys SET due_at = 0').run();
      await passOnce(ctx);
      assert.equal(changeBacklog(ctx.db, Date.now()).keys, 0);
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('a change that lands while its key is being purged is purged again', async () => {
    let publishDuring: (() => Promise<unknown>) | undefined;
    const catcher = await purgeCatcher();
    const ctx = testContext(edgeConfig(`    - url: ${catcher.url}/`));
    try {
      const app = createApp(ctx);
      await publish(app, article('Harbour fees rise', ['transport']));
      // The purger answers only after a second change to the same keys is committed.
      catcher.routes.set('/', (req, res) => {
        catcher.purges.push({ method: req.method ?? '', url: req.url ?? '', keys: String(req.headers['surrogate-key']).split(' ') });
        const during = publishDuring;
        publishDuring = undefined;
        void (during ? during() : Promise.resolve()).then(() => res.writeHead(200).end());
      });
      publishDuring = () => publish(app, article('Harbour fees rise again', ['transport']));
      await passOnce(ctx);
      const left = ctx.db.prepare("SELECT key FROM changed_keys WHERE key IN ('all', 'category/transport')").pluck().all();
      assert.deepEqual([...left].sort(), ['all', 'category/transport']);
      await passOnce(ctx);
      assert.equal(changeBacklog(ctx.db, Date.now()).keys, 0);
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('a purger URL with {key} gets one request per key, the key in its path', async () => {
    const catcher = await purgeCatcher();
    const ctx = testContext(edgeConfig(`    - url: "${catcher.url}/purge/{key}"\n      method: POST`));
    try {
      const app = createApp(ctx);
      await passOnce(ctx);
      catcher.purges.length = 0;
      const id = await publish(app, article('Ferry timetable changes', ['transport']));
      await passOnce(ctx);
      const urls = catcher.purges.map((p) => `${p.method} ${p.url}`);
      assert.ok(urls.includes(`POST /purge/${encodeURIComponent(`article/${id}`)}`), urls.join('\n'));
      assert.ok(urls.includes('POST /purge/all'));
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('a purger with a body template gets the keys as a JSON array in it (a CDN API that purges by tag)', async () => {
    const bodies: string[] = [];
    const catcher = await serveFixtures({
      '/zones/z1/purge_cache': (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          bodies.push(`${req.method} ${req.headers['content-type']} ${req.headers.authorization} ${body}`);
          res.writeHead(200).end('{"success":true}');
        });
      },
    });
    const purger = `    - url: ${catcher.url}/zones/z1/purge_cache
      method: POST
      body: '{"tags": {keys}}'
      headers: { Authorization: Bearer cdn-token, Content-Type: application/json }`;
    const ctx = testContext(edgeConfig(purger));
    try {
      const app = createApp(ctx);
      await passOnce(ctx);
      bodies.length = 0;
      const id = await publish(app, article('Canal reopens', ['transport']));
      await passOnce(ctx);
      assert.equal(bodies.length, 1);
      const [method, type, , token, json] = bodies[0]!.split(' ', 5) as string[];
      assert.deepEqual([method, type, token], ['POST', 'application/json', 'cdn-token']);
      const tags = (JSON.parse(bodies[0]!.slice(bodies[0]!.indexOf('{'))) as { tags: string[] }).tags;
      assert.ok(json !== undefined && tags.includes(`article/${id}`) && tags.includes('all'));
    } finally {
      ctx.close();
      await catcher.close();
    }
  });

  test('long keys are split so that no purge header passes 6,000 characters (8 KB is a common limit)', () => {
    const tag = 'Москва-'.repeat(6);
    const purges = Array.from({ length: 300 }, (_, i) => ({ key: `tag/${tag}${i}`, changes: 1, attempts: 0, queuedAt: 0 }));
    const batches = batchesOf(purges, 256);
    assert.ok(batches.length > 2);
    assert.equal(batches.flat().length, 300);
    for (const batch of batches) assert.ok(batch.map((p) => encodeQueuedKey(p.key)).join(' ').length <= 6_000);
    assert.deepEqual(batchesOf(purges.slice(0, 10).map((p) => ({ ...p, key: 'all' })), 4).map((b) => b.length), [4, 4, 2]);
  });

  test('with no purger configured the queue is emptied, not kept', async () => {
    const ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n`, false));
    try {
      const app = createApp(ctx);
      await publish(app, article('Quiet day', ['climate']));
      assert.ok(changeBacklog(ctx.db, Date.now()).keys > 0);
      await passOnce(ctx);
      assert.equal(changeBacklog(ctx.db, Date.now()).keys, 0);
      const res = await request(app).get('/feeds/all.rss').expect(200);
      // Without purges the cache in front may keep an answer no longer than anyone else.
      assert.equal(res.headers['surrogate-control'], 'max-age=300, stale-while-revalidate=60, stale-if-error=86400');
      // An empty feed is asked for again every time, by the cache in front too.
      const empty = await request(app).get('/feeds/categories/transport.rss').expect(200);
      assert.equal(empty.headers['cache-control'], 'public, no-cache');
      assert.equal(empty.headers['surrogate-control'], undefined);
    } finally {
      ctx.close();
    }
  });
});
