// The built-in WebSub hub end to end, through HTTP on both sides: a
// subscriber written here (subscriber.ts) subscribes at POST /websub, the
// hub verifies its intent with a GET (WebSub 5.3), an article published
// through the admin API reaches it as a signed delivery of the feed's
// document (7, 7.1) within a second, and once it unsubscribes (verified
// too) nothing more arrives. The hub worker runs beside the app, as serve's
// writer thread runs it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { startHubWorker, type HubWorker } from '../../src/hub/worker.js';
import { type ChangeLoop, startChangeLoop } from '../../src/publish/push/changes.js';
import { createLog } from '../../src/observe/log.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { findSubscription } from '../../src/store/hub/subscriptions.js';
import { configWithSources, type TestContext, testContext, until } from '../helpers.js';
import { startSubscriber, type TestSubscriber } from './subscriber.js';

const token = 'hub-test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const secret = 'a-subscriber-secret-7f3c91';
const topic = 'http://feeds.test/feeds/categories/climate.atom';

function article(title: string) {
  return { title, summary: `${title}.`, content_html: `<p>${title}.</p>`, url: `https://desk.example/${encodeURIComponent(title)}`, published: new Date().toISOString(), categories: ['climate'] };
}

describe('the built-in WebSub hub, end to end', () => {
  let ctx: TestContext;
  let app: App;
  let worker: HubWorker;
  let changes: ChangeLoop;
  let subscriber: TestSubscriber;
  const logged: string[] = [];
  const metrics = createMetrics();

  before(async () => {
    subscriber = await startSubscriber();
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n`));
    ctx.log = createLog('debug', new Writable({ write: (chunk, _e, done) => (logged.push(String(chunk)), done()) }));
    ctx.addressGuard = subscriber.guard;
    app = createApp(ctx, { metrics });
    worker = startHubWorker(ctx, { observer: metrics.hub });
    changes = startChangeLoop(ctx);
  });

  after(async () => {
    await worker.stop();
    await changes.stop();
    await subscriber.close();
    ctx.close();
  });

  test('feeds name the built-in hub at {base_url}/websub, in the document and the Link header', async () => {
    const res = await request(app).get('/feeds/categories/climate.atom').expect(200);
    assert.ok(res.text.includes('<link rel="hub" href="http://feeds.test/websub"/>'), res.text.slice(0, 800));
    assert.equal(res.headers.link, `<http://feeds.test/websub>; rel="hub", <${topic}>; rel="self"`);
    const json = await request(app).get('/feeds/all.json').expect(200);
    assert.deepEqual(json.body.hubs, [{ type: 'WebSub', url: 'http://feeds.test/websub' }]);
  });

  test('subscribe: 202, then a GET to the callback with the challenge, the topic as given and the lease; the echo activates it', async () => {
    const callback = `${subscriber.callback('/push')}?tok%20en=a+b&x=1`;
    const res = await request(app)
      .post('/websub')
      .type('form')
      .send({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback, 'hub.secret': secret, 'hub.lease_seconds': '7200' })
      .expect(202);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    await until(() => findSubscription(ctx.db, { feedPath: '/feeds/categories/climate', format: 'atom', callback }) !== undefined, 'the subscription');
    const [check] = subscriber.verifications;
    assert.equal(check?.path, '/push');
    assert.equal(check.query.get('hub.mode'), 'subscribe');
    assert.equal(check.query.get('hub.topic'), topic);
    assert.equal(check.query.get('hub.lease_seconds'), '7200');
    assert.match(check.query.get('hub.challenge') ?? '', /^[A-Za-z0-9_-]{32}$/);
    // 5.3: the callback's own query is kept as it was written.
    assert.equal(check.query.get('tok en'), 'a b');
    assert.equal(check.query.get('x'), '1');
    const subscription = findSubscription(ctx.db, { feedPath: '/feeds/categories/climate', format: 'atom', callback })!;
    assert.equal(subscription.leaseSeconds, 7200);
    assert.ok(Math.abs(subscription.expiresAt - Date.now() - 7_200_000) < 5_000);
  });

  test('an article published through the admin API is delivered within a second: the feed document, signed', async () => {
    const before = subscriber.deliveries.length;
    const published = await request(app).post('/admin/articles').set(auth).send(article('Tide gauge replaced')).expect(201);
    const answeredAt = Date.now();
    await until(() => subscriber.deliveries.length > before, 'a delivery', 1_000);
    const delivery = subscriber.deliveries.at(-1)!;
    assert.ok(delivery.at - answeredAt < 1_000, `delivered ${delivery.at - answeredAt} ms after the admin answer`);
    assert.equal(delivery.path, '/push');
    assert.equal(delivery.headers['content-type'], 'application/atom+xml; charset=utf-8');
    assert.equal(delivery.headers.link, `<http://feeds.test/websub>; rel="hub", <${topic}>; rel="self"`);
    const expected = `sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`;
    assert.equal(delivery.headers['x-hub-signature'], expected);
    const text = delivery.body.toString('utf8');
    assert.ok(text.includes('Tide gauge replaced'), 'the new article is in the document');
    assert.ok(text.includes(`<id>${published.headers.location}</id>`), 'its entry, by the id the admin API gave');
    // The very bytes a reader gets at the topic's URL.
    const feed = await request(app).get('/feeds/categories/climate.atom').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    assert.ok(Buffer.compare(feed.body as Buffer, delivery.body) === 0, 'the delivered document is the public feed, byte for byte');
  });

  test('/metrics counts deliveries and verifications, and shows the queue', async () => {
    const callback = `${subscriber.callback('/push')}?tok%20en=a+b&x=1`;
    // Recorded a moment after the subscriber has it.
    await until(() => findSubscription(ctx.db, { feedPath: '/feeds/categories/climate', format: 'atom', callback })?.deliveredAt !== undefined, 'the delivery recorded');
    const text = (await request(app).get('/metrics').expect(200)).text;
    assert.match(text, /wirefeed_websub_deliveries_total\{outcome="delivered"\} [1-9]/);
    assert.match(text, /wirefeed_websub_verifications_total\{outcome="confirmed"\} [1-9]/);
    assert.match(text, /wirefeed_websub_queue\{state="owed"\} 0/);
    assert.match(text, /wirefeed_websub_subscriptions 1/);
  });

  test('unsubscribe: verified like a subscribe, then nothing more is delivered', async () => {
    const callback = `${subscriber.callback('/push')}?tok%20en=a+b&x=1`;
    await request(app).post('/websub').type('form').send({ 'hub.mode': 'unsubscribe', 'hub.topic': topic, 'hub.callback': callback }).expect(202);
    await until(() => findSubscription(ctx.db, { feedPath: '/feeds/categories/climate', format: 'atom', callback }) === undefined, 'the subscription removed');
    const check = subscriber.verifications.at(-1)!;
    assert.equal(check.query.get('hub.mode'), 'unsubscribe');
    assert.equal(check.query.get('hub.topic'), topic);
    const before = subscriber.deliveries.length;
    await request(app).post('/admin/articles').set(auth).send(article('Sluice gates tested')).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(subscriber.deliveries.length, before, 'no delivery after unsubscribing');
  });

  test('the secret never reaches the log', () => {
    assert.ok(logged.some((line) => line.includes('"event":"websub_verified"')), 'the hub logged its work');
    assert.ok(!logged.join('').includes(secret), 'no secret in the log');
  });
});
