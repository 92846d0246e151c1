import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { startScheduler } from '../../src/ingest/schedule.js';
import { type TestContext, testContext } from '../helpers.js';

describe('the ingest schedule', () => {
  let ctx: TestContext;

  before(() => {
    ctx = testContext();
  });

  after(() => ctx.close());

  test('a tick refreshes the sources that are due, then none until their interval has passed', async () => {
    const scheduler = startScheduler(ctx);
    try {
      const first = await scheduler.tick();
      assert.deepEqual(
        first.map((r) => [r.source, r.status]),
        [
          ['civic-pulse', 'ok'],
          ['demo-desk', 'ok'],
          ['harbor-wire', 'ok'],
          ['northern-ledger', 'ok'],
        ],
      );
      assert.deepEqual(await scheduler.tick(), [], 'nothing is due right after a run');

      // The demo desk is every 5 minutes: make it due as if that time had passed.
      ctx.db.prepare("UPDATE sources SET next_due_at = 0 WHERE slug = 'demo-desk'").run();
      const second = await scheduler.tick();
      assert.deepEqual(second.map((r) => [r.source, r.itemsNew]), [['demo-desk', 0]]);
    } finally {
      await scheduler.stop();
    }
  });

  test('a source read again prepares only what changed: /metrics counts entries seen and prepared', async () => {
    const fresh = testContext();
    const metrics = createMetrics();
    const scheduler = startScheduler(fresh, metrics.ingest);
    const counted = async (name: string) => {
      const text = (await request(createApp(fresh, { metrics })).get('/metrics').expect(200)).text;
      return Number(new RegExp(`^${name}\\{source="demo-desk"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    try {
      await scheduler.tick();
      const seen = await counted('wirefeed_ingest_entries_seen_total');
      assert.ok(seen > 0);
      assert.equal(await counted('wirefeed_ingest_entries_prepared_total'), seen);
      // The publisher's folder read again, unchanged: every entry seen, none prepared.
      fresh.db.prepare("UPDATE sources SET next_due_at = 0 WHERE slug = 'demo-desk'").run();
      const [again] = await scheduler.tick();
      assert.deepEqual([again?.source, again?.itemsNew, again?.itemsUpdated, again?.itemsPrepared], ['demo-desk', 0, 0, 0]);
      assert.equal(await counted('wirefeed_ingest_entries_seen_total'), 2 * seen);
      assert.equal(await counted('wirefeed_ingest_entries_prepared_total'), seen);
    } finally {
      await scheduler.stop();
      fresh.close();
    }
  });

  test('the next due time follows each source\'s interval', () => {
    const rows = ctx.db.prepare('SELECT slug, next_due_at - last_fetched_at AS gap FROM sources ORDER BY slug').all();
    assert.deepEqual(rows, [
      { slug: 'civic-pulse', gap: 30 * 60_000 },
      { slug: 'demo-desk', gap: 5 * 60_000 },
      { slug: 'harbor-wire', gap: 15 * 60_000 },
      { slug: 'northern-ledger', gap: 15 * 60_000 },
    ]);
  });
});
