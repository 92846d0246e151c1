// A parameter the feed is not made from (a tracking tag, a random
// cache-buster) must not force a fresh render per request: that would let
// anyone turn the render cache off and spend the server's CPU at will.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { demoContext } from '../helpers.js';

const misses = (metrics: string) => Number(/^wirefeed_feed_cache_misses_total (\d+)$/m.exec(metrics)?.[1] ?? NaN);

test('unknown query parameters share the feed\'s cached render; the ones it is made from do not', async () => {
  const ctx = await demoContext('http://feeds.test');
  try {
    const app = createApp(ctx);
    const first = await request(app).get('/feeds/all.rss').expect(200);
    const before = misses((await request(app).get('/metrics')).text);
    for (let i = 0; i < 50; i++) {
      const res = await request(app).get(`/feeds/all.rss?bust=${i}&utm_source=x${i}`).expect(200);
      assert.equal(res.headers.etag, first.headers.etag, 'the same feed');
    }
    assert.equal(misses((await request(app).get('/metrics')).text), before, 'no render for a parameter the feed ignores');
    const limited = await request(app).get('/feeds/all.rss?limit=2').expect(200);
    assert.notEqual(limited.headers.etag, first.headers.etag);
    await request(app).get('/feeds/all.rss?limit=2&limit=3').expect(400);
  } finally {
    ctx.close();
  }
});
