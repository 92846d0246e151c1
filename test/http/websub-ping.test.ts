// WebSub publish pings: after an ingest or an admin change that moved a
// feed, the writer's change loop (publish/push/changes.ts, stepped here) gives
// the hub (a local server here) hub.mode=publish&hub.url=<topic> for each
// format of each feed that changed; a failing hub costs nothing
// but a log line, and the hub's credential never reaches the log.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { passOnce } from '../../src/publish/push/changes.js';
import { createLog } from '../../src/observe/log.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
const token = 'test-admin-token-0123456789';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

describe('WebSub publish pings', () => {
  let hub: FixtureServer;
  let pings: URLSearchParams[] = [];
  let status = 204;
  let ctx: TestContext;
  let app: App;
  const logged: string[] = [];

  before(async () => {
    hub = await serveFixtures({
      '/hub': (req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          assert.equal(req.method, 'POST');
          assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
          pings.push(new URLSearchParams(body));
          res.writeHead(status).end();
        });
      },
    });
    const hubUrl = `http://publisher:s3cret-pass@${hub.url.slice('http://'.length)}/hub`;
    ctx = testContext(configWithSources(source).replace('publish:\n', `publish:\n  hub: "${hubUrl}"\n`) + `\nadmin:\n  token: ${token}\n`);
    ctx.log = createLog('info', new Writable({ write: (chunk, _e, done) => (logged.push(String(chunk)), done()) }));
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await hub.close();
  });

  test('an ingest that stores articles pings every format of every feed that shows them', async () => {
    pings = [];
    logged.length = 0;
    await runIngest(ctx, listSources(ctx.db));
    await passOnce(ctx);
    await until(() => logged.some((l) => l.includes('websub_pinged')), 'the pings ended');
    assert.ok(pings.some((p) => p.get('hub.url') === 'http://feeds.test/feeds/categories/climate.json'), 'the climate feed pinged');
    const topics = new Set(pings.map((p) => p.get('hub.url')));
    assert.ok(pings.every((p) => p.get('hub.mode') === 'publish'));
    for (const format of ['rss', 'atom', 'json']) {
      assert.ok(topics.has(`http://feeds.test/feeds/all.${format}`), format);
      assert.ok(topics.has(`http://feeds.test/feeds/sources/demo-desk.${format}`), format);
    }
    assert.ok([...topics].some((t) => t?.startsWith('http://feeds.test/feeds/tags/')));
  });

  test('an ingest that changes nothing pings nothing', async () => {
    pings = [];
    await runIngest(ctx, listSources(ctx.db));
    await passOnce(ctx);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(pings, []);
  });

  test('an admin change pings the feeds of the article it changed', async () => {
    pings = [];
    const article = { title: 'Barrier opens', summary: 'It opened.', content_html: '<p>It opened.</p>', url: 'https://desk.example/opens', published: '2026-11-25T09:00:00Z', categories: ['transport'] };
    await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201);
    await passOnce(ctx);
    await until(() => pings.some((p) => p.get('hub.url') === 'http://feeds.test/feeds/categories/transport.rss'), 'the transport feed pinged');
    assert.ok(pings.some((p) => p.get('hub.url') === 'http://feeds.test/feeds/all.atom'));
  });

  test('a failing hub is logged, never thrown, and the log holds no credential', async () => {
    status = 500;
    pings = [];
    logged.length = 0;
    const article = { title: 'Barrier closes', summary: 'It closed.', content_html: '<p>It closed.</p>', url: 'https://desk.example/closes', published: '2026-11-26T09:00:00Z' };
    await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201);
    await passOnce(ctx);
    await until(() => logged.some((l) => l.includes('websub_ping_failed')), 'the failure logged');
    assert.ok(!logged.join('').includes('s3cret-pass'), 'no password in the log');
    status = 204;
  });
});
