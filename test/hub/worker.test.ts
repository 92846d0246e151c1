// The hub worker's behaviour over time, with short waits from the config:
// verifications that do not confirm leave no subscription (WebSub 5.3);
// a failing callback is retried with a doubling back-off and given up
// after websub.max_attempts (7: retry "until successful, up to some
// reasonable maximum"); changes queued meanwhile make one delivery of the
// newest document; the queue outlives a restart; a lease runs out; and a
// callback that has come to point at a private address is never reached.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import request from 'supertest';
import { openContext } from '../../src/context.js';
import { type App, createApp } from '../../src/http/app.js';
import { startHubWorker, type HubWorker } from '../../src/hub/worker.js';
import { type ChangeLoop, startChangeLoop } from '../../src/publish/push/changes.js';
import { changeBacklog } from '../../src/store/changed-keys.js';
import { createLog } from '../../src/observe/log.js';
import { findDelivery, queueHubDeliveries } from '../../src/store/hub/deliveries.js';
import { countSubscriptionRequests } from '../../src/store/hub/requests.js';
import { activateSubscription, findSubscription } from '../../src/store/hub/subscriptions.js';
import { configWithSources, type TestContext, testContext, until } from '../helpers.js';
import { startSubscriber, type TestSubscriber } from './subscriber.js';

const token = 'hub-worker-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const topic = 'http://feeds.test/feeds/all.rss';
const all = { feedPath: '/feeds/all', format: 'rss' as const };
const fast = 'websub:\n  retry_seconds: 0.1\n  max_retry_seconds: 0.2\n  max_attempts: 4\n  min_lease_seconds: 1\n';

let published = 0;
function article() {
  published++;
  return { title: `Story ${published}`, summary: 'A story.', content_html: '<p>A story.</p>', url: `https://desk.example/${published}`, published: new Date().toISOString() };
}

interface Setup {
  ctx: TestContext;
  app: App;
  worker: HubWorker;
  /** The writer's change loop, which queues deliveries after each change. */
  changes: ChangeLoop;
  subscriber: TestSubscriber;
}

async function setUp(extra = fast): Promise<Setup> {
  const subscriber = await startSubscriber();
  const ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n${extra}`));
  ctx.addressGuard = subscriber.guard;
  return { ctx, subscriber, app: createApp(ctx), worker: startHubWorker(ctx, { sweepMs: 50 }), changes: startChangeLoop(ctx) };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await s.worker.stop();
  await s.changes.stop();
  await s.subscriber.close();
  s.ctx.close();
}

function subscribe(s: Setup, fields: Record<string, string> = {}) {
  return request(s.app)
    .post('/websub')
    .type('form')
    .send({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': s.subscriber.callback(), ...fields })
    .expect(202);
}

async function subscribed(s: Setup, fields: Record<string, string> = {}): Promise<void> {
  await subscribe(s, fields);
  await until(() => findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() }) !== undefined, 'the subscription');
}

describe('verification that does not confirm', () => {
  let s: Setup;
  before(async () => {
    s = await setUp();
  });
  after(() => tearDown(s));

  for (const [what, verify] of [
    ['a 2xx with the wrong challenge', 'wrong'],
    ['a 404 (the subscriber did not ask)', 404],
    ['a redirect', 302],
    ['a 500', 500],
  ] as const) {
    test(`${what}: no subscription, and the request is done with`, async () => {
      const callback = s.subscriber.callback(`/cb-${String(verify)}`);
      const seen = s.subscriber.verifications.length;
      s.subscriber.behaviour = { verify, deliver: [204] };
      await subscribe(s, { 'hub.callback': callback });
      await until(() => s.subscriber.verifications.length === seen + 1 && countSubscriptionRequests(s.ctx.db) === 0, 'the verification');
      assert.equal(findSubscription(s.ctx.db, { ...all, callback }), undefined);
    });
  }

  test('an unsubscribe that is not confirmed leaves the subscription as it was', async () => {
    s.subscriber.behaviour = { verify: 'echo', deliver: [204] };
    await subscribed(s);
    const seen = s.subscriber.verifications.length;
    s.subscriber.behaviour = { verify: 404, deliver: [204] };
    await request(s.app).post('/websub').type('form').send({ 'hub.mode': 'unsubscribe', 'hub.topic': topic, 'hub.callback': s.subscriber.callback() }).expect(202);
    await until(() => s.subscriber.verifications.length === seen + 1 && countSubscriptionRequests(s.ctx.db) === 0, 'the unsubscribe verification');
    assert.ok(findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() }), 'still subscribed');
  });
});

describe('deliveries that fail', () => {
  let s: Setup | undefined;
  afterEach(async () => {
    await tearDown(s);
    s = undefined;
  });

  test('a redirect (not followed) and a 503 are retried after 0.1 s, then 0.2 s (doubled, capped), and delivered once the callback takes it', async () => {
    s = await setUp();
    await subscribed(s);
    s.subscriber.behaviour = { verify: 'echo', deliver: [302, 503, 204] };
    await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    await until(() => s!.subscriber.deliveries.length === 3, 'three attempts', 3_000);
    const [first, second, third] = s.subscriber.deliveries.map((d) => d.at) as [number, number, number];
    assert.ok(second - first >= 95, `second attempt ${second - first} ms after the first`);
    assert.ok(third - second >= 195, `third attempt ${third - second} ms after the second`);
    await until(() => findDelivery(s!.ctx.db, findSubscription(s!.ctx.db, { ...all, callback: s!.subscriber.callback() })!.id) === undefined, 'the delivery done');
    const subscription = findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() })!;
    assert.ok(subscription.deliveredAt, 'delivered');
    assert.equal(subscription.lastError, 'HTTP 503');
  });

  test('are given up after websub.max_attempts, recorded on the subscription, which stays for the next change', async () => {
    s = await setUp();
    await subscribed(s);
    s.subscriber.behaviour = { verify: 'echo', deliver: [500] };
    await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    const id = findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() })!.id;
    await until(() => findSubscription(s!.ctx.db, { ...all, callback: s!.subscriber.callback() })?.abandonedAt !== undefined, 'given up', 3_000);
    assert.equal(s.subscriber.deliveries.length, 4);
    assert.equal(findDelivery(s.ctx.db, id), undefined);
    assert.equal(findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() })?.lastError, 'HTTP 500');
    s.subscriber.behaviour = { verify: 'echo', deliver: [204] };
    await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    await until(() => s!.subscriber.deliveries.length === 5, 'the next change delivered');
  });

  test('changes queued while one is owed make one delivery, of the newest document', async () => {
    s = await setUp();
    await subscribed(s);
    await s.worker.stop();
    for (let i = 0; i < 3; i++) await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    const id = findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() })!.id;
    // The change loop queues them as it finds them: one owed delivery, whichever passes they came in.
    await until(() => changeBacklog(s!.ctx.db, Date.now()).keys === 0, 'the changes announced');
    assert.ok((findDelivery(s.ctx.db, id)?.changes ?? 0) >= 1);
    s.worker = startHubWorker(s.ctx);
    await until(() => s!.subscriber.deliveries.length === 1, 'the delivery');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(s.subscriber.deliveries.length, 1, 'one delivery for three changes');
    assert.ok(s.subscriber.deliveries[0]!.body.toString().includes(`Story ${published}`), 'the newest story in it');
  });
});

describe('the queue outlives a restart', () => {
  let s: Setup | undefined;
  after(() => tearDown(s));

  test('a delivery queued before the database was closed is sent by the next worker', async () => {
    s = await setUp();
    await subscribed(s);
    await s.worker.stop();
    await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    s.ctx.db.close();
    // As serve opens it again: the same file, a new connection, a new worker.
    const reopened = openContext(s.ctx.cfg, createLog('silent'));
    s.ctx.db = reopened.db;
    s.worker = startHubWorker(s.ctx);
    try {
      await until(() => s!.subscriber.deliveries.length === 1, 'the delivery after the restart');
      assert.ok(s.subscriber.deliveries[0]!.body.toString().includes(`Story ${published}`));
    } finally {
      await s.worker.stop();
      reopened.db.close();
    }
  });
});

describe('leases', () => {
  let s: Setup | undefined;
  after(() => tearDown(s));

  test('a subscription whose lease has run out gets nothing and is removed; subscribing again renews it', async () => {
    s = await setUp();
    await subscribed(s, { 'hub.lease_seconds': '1' });
    assert.equal(s.subscriber.verifications[0]?.query.get('hub.lease_seconds'), '1');
    await until(() => findSubscription(s!.ctx.db, { ...all, callback: s!.subscriber.callback() }) === undefined, 'the lease to run out', 3_000);
    await request(s.app).post('/admin/articles').set(auth).send(article()).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(s.subscriber.deliveries.length, 0);
    // Renewal: the same pair again, with the default lease.
    await subscribed(s);
    const renewed = findSubscription(s.ctx.db, { ...all, callback: s.subscriber.callback() })!;
    assert.equal(renewed.leaseSeconds, 10 * 24 * 3600);
  });

  test('subscribing again before the lease runs out extends it in place', async () => {
    const callback = s!.subscriber.callback();
    const first = findSubscription(s!.ctx.db, { ...all, callback })!;
    await subscribe(s!, { 'hub.lease_seconds': '3600' });
    await until(() => findSubscription(s!.ctx.db, { ...all, callback })?.leaseSeconds === 3600, 'the renewal');
    assert.equal(findSubscription(s!.ctx.db, { ...all, callback })!.id, first.id, 'the same subscription');
  });
});

describe('a callback that points at a private address by the time it is called', () => {
  let s: Setup | undefined;
  after(() => tearDown(s));

  test('is refused at connect, whatever it was when subscribed: nothing reaches it', async () => {
    s = await setUp();
    // As if its name had resolved to a public address at subscription and no longer does: stored directly.
    const id = activateSubscription(s.ctx.db, { ...all, callback: `http://127.0.0.1:${s.subscriber.port}/cb`, callbackHost: '127.0.0.1', leaseSeconds: 3600 }, Date.now());
    s.ctx.addressGuard = undefined;
    await s.worker.stop();
    s.worker = startHubWorker(s.ctx);
    queueHubDeliveries(s.ctx.db, ['/feeds/all'], Date.now());
    await until(() => findDelivery(s!.ctx.db, id)?.attempts === 1, 'the attempt');
    assert.match(findDelivery(s.ctx.db, id)?.lastError ?? '', /non-public|loopback/);
    assert.equal(s.subscriber.deliveries.length, 0);
  });
});
