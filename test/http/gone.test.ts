// HTTP 410 Gone (RFC 9110 15.5.11): the upstream removed its feed on purpose.
// The source is marked gone, shown so in `wirefeed sources`, /sources,
// /status and the admin API, and never fetched again on its own; an
// operator's change brings it back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listDueSources, listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, runCli, serveFixtures, type TestContext, testContext } from '../helpers.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Back</title><link>https://back.example/</link>
<item><title>We are back</title><link>https://back.example/1</link><guid>back-1</guid><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`;

describe('a feed that answers 410 Gone', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  const hits = new Map<string, number>();

  before(async () => {
    const gone = (path: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
      hits.set(path, (hits.get(path) ?? 0) + 1);
      res.writeHead(410, { 'content-type': 'text/plain' }).end('gone');
    };
    server = await serveFixtures({ '/vanished.rss': gone('/vanished.rss'), '/retired.rss': gone('/retired.rss') });
    ctx = testContext(
      configWithSources(`  - { slug: vanished, name: Vanished Wire, url: "${server.url}/vanished.rss" }`, 'admin:\n  allow_private_sources: true\n'),
      { WIREFEED_ADMIN_TOKEN: token },
    );
    await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('is marked gone in the public /sources listing, with the error kind "gone"', async () => {
    const res = await request(createApp(ctx)).get('/sources').expect(200);
    const source = res.body.find((s: { slug: string }) => s.slug === 'vanished');
    assert.equal(source.gone, true);
    assert.equal(source.last_error, 'gone (HTTP 410)');
  });

  test('shows as gone on /status', async () => {
    const res = await request(createApp(ctx)).get('/status').expect(200);
    const row = res.text.match(/<tr id="source-vanished"[^]*?<\/tr>/)?.[0] ?? '';
    assert.match(row, /<td>gone<\/td>/);
    assert.match(row, /<td>gone \(HTTP 410\)<\/td>/);
    assert.match(res.text, /1 gone\./);
  });

  test('shows as gone in `wirefeed sources`', async () => {
    const out = await runCli(['sources'], { WIREFEED_CONFIG: join(ctx.dir, 'config.yaml'), WIREFEED_DB: join(ctx.dir, 'test.db') });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^vanished\s+gone\s+410\s/m);
  });

  test('is never fetched again by the schedule or an ingest of every source', async () => {
    const farFuture = new Date(Date.now() + 365 * 86_400_000);
    assert.deepEqual(listDueSources(ctx.db, farFuture).map((s) => s.slug), []);
    assert.deepEqual(listSources(ctx.db).map((s) => s.slug), []);
    await request(createApp(ctx)).post('/admin/ingest').set(auth).expect(200);
    assert.equal(hits.get('/vanished.rss'), 1);
  });

  test('an admin source that went away shows gone_at in the admin API and comes back when an operator enables it', async () => {
    const app = createApp(ctx);
    await request(app).post('/admin/sources').set(auth).send({ slug: 'retired', name: 'Retired', url: `${server.url}/retired.rss` }).expect(201);
    await request(app).post('/admin/ingest').set(auth).send({ source: 'retired' }).expect(200);
    const listed = await request(app).get('/admin/sources').set(auth).expect(200);
    const retired = listed.body.find((s: { slug: string }) => s.slug === 'retired');
    assert.ok(retired.gone_at, 'gone_at is set');
    assert.equal(retired.next_due_at, null);
    assert.equal(retired.http_status, 410);
    assert.ok(!listSources(ctx.db).some((s) => s.slug === 'retired'));

    server.routes.set('/retired.rss', { body: feed });
    const patched = await request(app).patch('/admin/sources/retired').set(auth).send({ enabled: true }).expect(200);
    assert.equal(patched.body.gone_at, null);
    assert.ok(listDueSources(ctx.db, new Date()).some((s) => s.slug === 'retired'), 'due now');
    const run = await request(app).post('/admin/ingest').set(auth).expect(200);
    assert.deepEqual(
      run.body.results.map((r: { source: string; status: string; items_new: number }) => [r.source, r.status, r.items_new]),
      [['retired', 'ok', 1]],
    );
  });
});
