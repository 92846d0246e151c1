// The hub's delivery queue in the database: queueHubDeliveries, the one
// entry point for changes, coalesces; the back-off doubles and is capped;
// a delivery taken while another change arrived stays owed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  deliveryFailed,
  deliverySucceeded,
  dueDeliveries,
  findDelivery,
  hubQueueLength,
  queueHubDeliveries,
  retryDelay,
} from '../../../src/store/hub/deliveries.js';
import { activateSubscription, removeSubscription, sweepExpiredSubscriptions } from '../../../src/store/hub/subscriptions.js';
import { configWithSources, type TestContext, testContext } from '../../helpers.js';

describe('the delivery queue', () => {
  let ctx: TestContext;
  const now = 1_800_000_000_000;
  let climate: number;
  let all: number;
  let expired: number;

  before(() => {
    ctx = testContext(configWithSources('  []'));
    const sub = (feedPath: string, format: 'rss' | 'atom' | 'json', callback: string, leaseSeconds = 3600) =>
      activateSubscription(ctx.db, { feedPath, format, callback, callbackHost: 'sub.example', leaseSeconds }, now - 1000);
    climate = sub('/feeds/categories/climate', 'atom', 'https://sub.example/a');
    all = sub('/feeds/all', 'json', 'https://sub.example/b', 3600);
    expired = sub('/feeds/all', 'rss', 'https://sub.example/c', 0);
  });

  after(() => ctx.close());

  test('a change queues one delivery per active subscription of the feeds named, in any format', () => {
    assert.equal(queueHubDeliveries(ctx.db, ['/feeds/all', '/feeds/sources/harbour'], now), 1);
    assert.deepEqual(findDelivery(ctx.db, all), { changes: 1, attempts: 0, dueAt: now, queuedAt: now, lastError: undefined });
    assert.equal(findDelivery(ctx.db, expired), undefined, 'not to a subscription whose lease has run out');
    assert.equal(findDelivery(ctx.db, climate), undefined, 'not to another feed');
    assert.equal(queueHubDeliveries(ctx.db, [], now), 0);
  });

  test('more changes join the delivery owed: one delivery, its place kept', () => {
    queueHubDeliveries(ctx.db, ['/feeds/all', '/feeds/all'], now + 10);
    queueHubDeliveries(ctx.db, ['/feeds/all', '/feeds/categories/climate'], now + 20);
    assert.deepEqual(findDelivery(ctx.db, all), { changes: 3, attempts: 0, dueAt: now, queuedAt: now, lastError: undefined });
    assert.deepEqual(hubQueueLength(ctx.db), { owed: 2, retrying: 0 });
  });

  test('due deliveries leave out those under way', () => {
    assert.deepEqual(dueDeliveries(ctx.db, now + 30, 10).map((d) => d.subscriptionId).sort(), [climate, all].sort());
    assert.deepEqual(dueDeliveries(ctx.db, now + 30, 10, [all]).map((d) => d.subscriptionId), [climate]);
  });

  test('a failure puts it off by the back-off; a change meanwhile does not bring it forward', () => {
    const policy = { retryMs: 1000, maxRetryMs: 3000, maxAttempts: 3 };
    assert.deepEqual(deliveryFailed(ctx.db, all, 'HTTP 500', policy, now + 100), { abandoned: false, dueAt: now + 1100 });
    queueHubDeliveries(ctx.db, ['/feeds/all'], now + 200);
    assert.equal(findDelivery(ctx.db, all)?.dueAt, now + 1100);
    assert.equal(dueDeliveries(ctx.db, now + 500, 10, []).some((d) => d.subscriptionId === all), false);
    assert.deepEqual(deliveryFailed(ctx.db, all, 'HTTP 502', policy, now + 1200), { abandoned: false, dueAt: now + 3200 });
    assert.deepEqual(hubQueueLength(ctx.db), { owed: 2, retrying: 1 });
    assert.deepEqual(deliveryFailed(ctx.db, all, 'HTTP 503', policy, now + 3300), { abandoned: true });
    assert.equal(findDelivery(ctx.db, all), undefined);
  });

  test('delivered while a newer change was queued: owed again at once, unless what was sent was current', () => {
    const [taken] = dueDeliveries(ctx.db, now + 4000, 10, []);
    assert.equal(taken?.subscriptionId, climate);
    queueHubDeliveries(ctx.db, ['/feeds/categories/climate'], now + 4001);
    deliverySucceeded(ctx.db, taken!, false, now + 4002, 'a'.repeat(64));
    assert.deepEqual(findDelivery(ctx.db, climate), { changes: 2, attempts: 0, dueAt: now + 4002, queuedAt: now + 20, lastError: undefined });
    const [again] = dueDeliveries(ctx.db, now + 4003, 10, []);
    queueHubDeliveries(ctx.db, ['/feeds/categories/climate'], now + 4004);
    deliverySucceeded(ctx.db, again!, true, now + 4005, 'b'.repeat(64));
    assert.equal(dueDeliveries(ctx.db, now + 4006, 10, []).length, 0);
    assert.equal(findDelivery(ctx.db, climate), undefined);
  });

  test('an unsubscribe or an expiry takes the delivery owed with it', () => {
    queueHubDeliveries(ctx.db, ['/feeds/all', '/feeds/categories/climate'], now + 5000);
    assert.ok(removeSubscription(ctx.db, { feedPath: '/feeds/categories/climate', format: 'atom', callback: 'https://sub.example/a' }));
    assert.equal(findDelivery(ctx.db, climate), undefined);
    assert.equal(sweepExpiredSubscriptions(ctx.db, now + 3600_000), 2);
    assert.deepEqual(hubQueueLength(ctx.db), { owed: 0, retrying: 0 });
  });
});

describe('the back-off', () => {
  const policy = { retryMs: 60_000, maxRetryMs: 4 * 3600_000 };
  const cases: [number, number][] = [
    [1, 60_000],
    [2, 120_000],
    [3, 240_000],
    [8, 7_680_000],
    [9, 4 * 3600_000],
    [13, 4 * 3600_000],
    [1000, 4 * 3600_000],
  ];
  for (const [failures, wait] of cases) {
    test(`after failure ${failures}: ${wait / 1000} s`, () => assert.equal(retryDelay(policy, failures), wait));
  }

  test('the defaults give up about a day after the first attempt (14 attempts)', () => {
    let total = 0;
    for (let failures = 1; failures < 14; failures++) total += retryDelay(policy, failures);
    assert.ok(total > 23 * 3600_000 && total < 25 * 3600_000, `${total / 3600_000} h`);
  });
});
