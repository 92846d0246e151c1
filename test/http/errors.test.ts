import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { testContext } from '../helpers.js';

test('an internal failure is a plain 500 without a stack trace', async () => {
  const ctx = testContext();
  try {
    const app = createApp(ctx);
    ctx.db.close(); // every query now throws
    const res = await request(app).get('/feeds/all.rss').expect(500);
    assert.equal(res.text, 'Internal error\n');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  } finally {
    ctx.close();
  }
});
