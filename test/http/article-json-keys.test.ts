// The article JSON is snake_case at every depth, like every other JSON
// surface (/sources, /categories, the admin API): /articles/{id}.json and
// /articles/{id} asked for as JSON, over every demo article with its
// related stories and their evidence. Through supertest against the real app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { demoContext, type TestContext } from '../helpers.js';

/** Every key of `value` at any depth, with its path. */
function keysOf(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...keysOf(v, `${path}.${k}`)]);
}

describe('article JSON keys', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await demoContext('http://feeds.test');
  });
  after(() => ctx.close());

  test('/articles/{id}.json and /articles/{id} with Accept: application/json have only snake_case keys', async () => {
    const app = createApp(ctx);
    const ids = ctx.db.prepare('SELECT id FROM articles ORDER BY id').pluck().all() as number[];
    assert.ok(ids.length > 10);
    let related = 0;
    for (const id of ids) {
      for (const res of [
        await request(app).get(`/articles/${id}.json`).expect(200),
        await request(app).get(`/articles/${id}`).set('Accept', 'application/json').expect(200),
      ]) {
        assert.match(res.headers['content-type'] ?? '', /^application\/json/);
        const bad = keysOf(res.body).filter((k) => !/^[a-z0-9_]+$/.test(k.slice(k.lastIndexOf('.') + 1)));
        assert.deepEqual(bad, [], `article ${id}`);
        related += (res.body as { related: unknown[] }).related.length;
      }
    }
    assert.ok(related > 0, 'some article has related stories, so their keys were checked too');
  });
});
