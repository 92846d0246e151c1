// The built-in hub pushes a topic only when its document changed for that
// subscriber (store/hub/deliveries.ts sent_digest): a write that names a
// feed without moving its first page pushes nothing. An article stored
// under embargo moves no byte of any public feed until its lift: its
// subscribers are pushed nothing then (a push would tell them that
// something is being held), and the feed with the story at the lift. On the real clock, with
// the change loop and the hub worker running as serve's writer runs them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { startHubWorker, type HubWorker } from '../../src/hub/worker.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { type ChangeLoop, startChangeLoop } from '../../src/publish/push/changes.js';
import { hubQueueLength, queueHubDeliveries } from '../../src/store/hub/deliveries.js';
import { findSubscription } from '../../src/store/hub/subscriptions.js';
import { configWithSources, type TestContext, testContext, until } from '../helpers.js';
import { startSubscriber, type TestSubscriber } from './subscriber.js';

const token = 'hub-unchanged-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const topics = ['http://feeds.test/feeds/categories/climate.atom', 'http://feeds.test/feeds/all.rss'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function article(title: string, extra: Record<string, unknown> = {}) {
  return { title, summary: `${title}.`, url: `https://desk.example/${encodeURIComponent(title)}`, categories: ['climate'], ...extra };
}

describe('the built-in hub pushes only documents that changed', () => {
  let ctx: TestContext;
  let app: App;
  let worker: HubWorker;
  let changes: ChangeLoop;
  let subscriber: TestSubscriber;
  const metrics = createMetrics();
  const unchangedCount = async () => Number(/wirefeed_websub_deliveries_total\{outcome="unchanged"\} (\d+)/.exec((await request(app).get('/metrics')).text)?.[1] ?? 0);

  before(async () => {
    subscriber = await startSubscriber();
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n`));
    ctx.addressGuard = subscriber.guard;
    app = createApp(ctx, { metrics });
    worker = startHubWorker(ctx, { observer: metrics.hub, pollMs: 20 });
    changes = startChangeLoop(ctx);
    await request(app).post('/admin/articles').set(auth).send(article('Tide gauge replaced')).expect(201);
    for (const topic of topics) {
      await request(app).post('/websub').type('form').send({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': subscriber.callback('/push') }).expect(202);
    }
    const subscribed = (topic: string) => {
      const { pathname } = new URL(topic);
      const [feedPath, format] = [pathname.replace(/\.\w+$/, ''), pathname.split('.').pop() as 'rss' | 'atom'];
      return findSubscription(ctx.db, { feedPath, format, callback: subscriber.callback('/push') });
    };
    await until(() => topics.every((t) => subscribed(t) !== undefined), 'both subscriptions');
    // A first change both topics show: each subscriber takes its document once.
    await request(app).post('/admin/articles').set(auth).send(article('Sea wall funded')).expect(201);
    await until(() => topics.every((t) => subscribed(t)?.deliveredAt !== undefined), 'both first deliveries recorded');
  });

  after(async () => {
    await worker.stop();
    await changes.stop();
    await subscriber.close();
    ctx.close();
  });

  test('an embargoed article pushes nothing until its lift, then both topics with the story', async () => {
    const before = subscriber.deliveries.length;
    const skippedBefore = await unchangedCount();
    const lift = Date.now() + 2_500;
    await request(app)
      .post('/admin/articles')
      .set(auth)
      .send(article('Glacier survey results', { embargo_until: new Date(lift).toISOString() }))
      .expect(201);
    // Nothing is queued for a change to a held story (migration 028), and were anything queued, the
    // subscriber has the document already (the next test).
    await until(() => Date.now() >= lift - 800, 'most of the embargo');
    assert.equal(subscriber.deliveries.length, before, 'no push while the story is held');
    assert.equal(await unchangedCount(), skippedBefore, 'no delivery was even owed');
    await until(() => subscriber.deliveries.length >= before + 2, 'the pushes at the lift', 5_000);
    const pushed = subscriber.deliveries.slice(before);
    for (const delivery of pushed) {
      assert.ok(delivery.at >= lift, `pushed ${lift - delivery.at} ms before the lift`);
      assert.ok(delivery.body.toString('utf8').includes('Glacier survey results'), 'the lifted story is in the push');
    }
    await sleep(300);
    assert.equal(subscriber.deliveries.length, before + 2, 'one push per topic');
  });

  test('a delivery owed for a document the subscriber has is settled without a request; a change it shows is pushed', async () => {
    const before = subscriber.deliveries.length;
    const skippedBefore = await unchangedCount();
    // What any write that names the feed without moving it leaves behind.
    queueHubDeliveries(ctx.db, ['/feeds/categories/climate', '/feeds/all']);
    await until(() => hubQueueLength(ctx.db).owed === 0, 'the deliveries settled');
    assert.equal(subscriber.deliveries.length, before, 'nothing sent');
    assert.equal(await unchangedCount(), skippedBefore + 2);
    // Filed elsewhere: the all feed moves, the climate feed does not.
    await request(app).post('/admin/articles').set(auth).send(article('Bus lanes extended', { categories: ['transport'] })).expect(201);
    await until(() => subscriber.deliveries.length > before, 'the all feed pushed');
    await sleep(300);
    const pushed = subscriber.deliveries.slice(before);
    assert.equal(pushed.length, 1, 'only the all feed');
    assert.ok(pushed[0]!.body.toString('utf8').includes('Bus lanes extended'));
  });
});
