// A method a public route does not take is a 405 with Allow (RFC 9110
// 15.5.6), not a 404: the path exists. An unknown path stays a 404. Through
// supertest against the real app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { type TestContext, testContext } from '../helpers.js';

describe('methods on GET-only routes', () => {
  let ctx: TestContext;
  before(() => {
    ctx = testContext();
  });
  after(() => ctx.close());

  const paths = ['/feeds/all.rss', '/feeds/categories/climate.atom', '/feeds/search.json?q=x', '/articles/1', '/articles/1.json', '/categories', '/sources', '/opml', '/', '/readyz'];
  for (const method of ['post', 'put', 'delete', 'patch'] as const) {
    test(`${method.toUpperCase()} is a 405 with Allow: GET, HEAD on every public GET route`, async () => {
      const app = createApp(ctx);
      for (const path of paths) {
        const res = await request(app)[method](path);
        assert.equal(res.status, 405, `${method} ${path}: ${res.text}`);
        assert.equal(res.headers.allow, 'GET, HEAD', path);
        assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
        assert.match(res.text, /^Method not allowed: /);
      }
    });
  }

  test('an unknown path is still a 404 whatever the method', async () => {
    await request(createApp(ctx)).post('/no/such/thing').expect(404);
  });
});
