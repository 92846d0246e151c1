// Every committed change reaches the hub's subscribers, whoever made it and
// however it moved the feeds: the writer's change loop reads the keys its
// triggers queued (publish/push/changes.ts), so the cases the request handlers
// could not see are covered too: an article moved out of a category (that
// category's subscribers learn it left), and an article added by the CLI in
// another process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../../src/http/app.js';
import { type HubWorker, startHubWorker } from '../../../src/hub/worker.js';
import { type ChangeLoop, startChangeLoop } from '../../../src/publish/push/changes.js';
import { findSubscription } from '../../../src/store/hub/subscriptions.js';
import { configWithSources, runCli, type TestContext, testContext, until } from '../../helpers.js';
import { startSubscriber, type TestSubscriber } from '../../hub/subscriber.js';

const token = 'changes-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const climate = { feedPath: '/feeds/categories/climate', format: 'rss' as const };

describe('the change loop tells the hub what every change moved', () => {
  let ctx: TestContext;
  let app: App;
  let worker: HubWorker;
  let changes: ChangeLoop;
  let subscriber: TestSubscriber;
  let articles: string;

  before(async () => {
    subscriber = await startSubscriber();
    articles = mkdtempSync(join(tmpdir(), 'wirefeed-changes-'));
    ctx = testContext(configWithSources(`  - { slug: desk, name: The Desk, articles: "${articles}" }`, `admin:\n  token: ${token}\n`));
    ctx.addressGuard = subscriber.guard;
    app = createApp(ctx);
    worker = startHubWorker(ctx);
    changes = startChangeLoop(ctx);
    await request(app)
      .post('/websub')
      .type('form')
      .send({ 'hub.mode': 'subscribe', 'hub.topic': 'http://feeds.test/feeds/categories/climate.rss', 'hub.callback': subscriber.callback() })
      .expect(202);
    await until(() => findSubscription(ctx.db, { ...climate, callback: subscriber.callback() }) !== undefined, 'the subscription');
  });

  after(async () => {
    await worker.stop();
    await changes.stop();
    await subscriber.close();
    ctx.close();
    rmSync(articles, { recursive: true, force: true });
  });

  const delivered = (n: number, what: string) => until(() => subscriber.deliveries.length >= n, what, 5_000);
  const last = () => subscriber.deliveries.at(-1)!.body.toString();

  test('an article moved out of the category is pushed to the category it left', async () => {
    const article = {
      title: 'Sea wall funding agreed',
      url: 'https://desk.example/sea-wall',
      summary: 'The council agreed the funding.',
      content_html: '<p>The council agreed the funding.</p>',
      categories: ['climate'],
      published: new Date().toISOString(),
    };
    const res = await request(app).post('/admin/articles').set(auth).send(article).expect(201);
    await delivered(1, 'the new article');
    assert.ok(last().includes('Sea wall funding agreed'));
    const id = /\/articles\/(\d+)$/.exec(res.headers.location!)![1];
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, categories: ['transport'] }).expect(200);
    await delivered(2, 'the climate feed without it');
    assert.ok(!last().includes('Sea wall funding agreed'), 'the climate feed no longer lists it');
  });

  test("an article the CLI adds in another process is pushed by this process's change loop", async () => {
    const seen = subscriber.deliveries.length;
    const file = join(ctx.dir, 'tide-gauges.md');
    writeFileSync(
      file,
      `---\ntitle: "Tide gauges to be replaced"\nsummary: "New gauges along the estuary."\npublished: ${new Date().toISOString()}\ncategories: [climate]\n---\n\nNew gauges along the estuary.\n`,
    );
    const cli = await runCli(['articles', 'add', file], { WIREFEED_CONFIG: ctx.cfg.configPath, WIREFEED_DB: ctx.cfg.databasePath });
    assert.equal(cli.code, 0, cli.stderr);
    await delivered(seen + 1, 'the CLI article');
    assert.ok(last().includes('Tide gauges to be replaced'));
  });
});
