import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listDueSources, listSourceHealth, listSources, syncSources } from '../../src/store/sources.js';
import { type TestContext, testContext } from '../helpers.js';

describe('a source removed from the config file', () => {
  let ctx: TestContext;

  before(async () => {
    ctx = testContext();
    await runIngest(ctx, listSources(ctx.db));
    // The operator drops harbor-wire from the config and restarts.
    syncSources(ctx.db, ctx.cfg.sources.filter((s) => s.slug !== 'harbor-wire'));
    ctx.db.prepare('UPDATE sources SET next_due_at = 0').run();
  });

  after(() => ctx.close());

  test('is no longer fetched', () => {
    assert.deepEqual(listDueSources(ctx.db, new Date()).map((s) => s.slug), ['civic-pulse', 'demo-desk', 'northern-ledger']);
    assert.deepEqual(listSources(ctx.db).map((s) => s.slug), ['civic-pulse', 'demo-desk', 'northern-ledger']);
    assert.deepEqual(
      listSourceHealth(ctx.db).map((s) => [s.slug, s.enabled]),
      [
        ['civic-pulse', true],
        ['demo-desk', true],
        ['harbor-wire', false],
        ['northern-ledger', true],
      ],
    );
  });

  test('keeps its articles published', async () => {
    const res = await request(createApp(ctx)).get('/feeds/sources/harbor-wire.json').expect(200);
    assert.equal(res.body.items.length, 6);
  });

  test('comes back when it is configured again', () => {
    syncSources(ctx.db, ctx.cfg.sources);
    assert.equal(listSources(ctx.db).length, 4);
  });
});
