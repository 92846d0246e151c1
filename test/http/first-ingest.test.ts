// A fresh database before its first ingest: serve's /readyz is a 503 saying
// so, and an empty feed is answered `no-cache` so that a cache in front does
// not keep it for max-age; once the ingest has finished, both as usual.
// Through supertest against the real app with serve's options.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { type TestContext, testContext } from '../helpers.js';

describe('before the first ingest', () => {
  let ctx: TestContext;
  before(() => {
    ctx = testContext();
  });
  after(() => ctx.close());

  test('/readyz is a 503 with the reason until the first ingest has finished, then 200', async () => {
    const app = createApp(ctx, { awaitFirstIngest: true });
    const waiting = await request(app).get('/readyz').expect(503);
    assert.equal(waiting.text, 'not ready: the first ingest has not finished yet (the database holds no articles)\n');
    await runIngest(ctx, listSources(ctx.db));
    await request(app).get('/readyz').expect(200, 'ready\n');
  });

  test('a process started on a database that holds articles is ready at once', async () => {
    await request(createApp(ctx, { awaitFirstIngest: true })).get('/readyz').expect(200, 'ready\n');
  });
});

describe('Cache-Control of empty feeds', () => {
  test('an empty feed is no-cache (for the fast path too); with items it is public with max-age', async () => {
    const ctx = testContext();
    try {
      const app = createApp(ctx);
      for (const path of ['/feeds/all.rss', '/feeds/all.rss', '/feeds/all.json']) {
        const res = await request(app).get(path).expect(200);
        assert.equal(res.headers['cache-control'], 'public, no-cache', path);
      }
      await runIngest(ctx, listSources(ctx.db));
      const res = await request(app).get('/feeds/all.rss').expect(200);
      assert.equal(res.headers['cache-control'], 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400');
    } finally {
      ctx.close();
    }
  });

  test('without serve options (no schedule to wait for) /readyz does not wait for articles', async () => {
    const ctx = testContext();
    try {
      await request(createApp(ctx)).get('/readyz').expect(200, 'ready\n');
    } finally {
      ctx.close();
    }
  });
});
