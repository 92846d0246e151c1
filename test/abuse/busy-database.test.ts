// Another process holding the database's write lock (a CLI ingest next to
// `serve`, a backup tool) past busy_timeout: an admin write is told to try
// again (503 with Retry-After), not given a 500, nothing half-written is
// kept, and the write succeeds once the lock is gone. A partner's request,
// whose usage counter cannot be written meanwhile, is still answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources, testContext } from '../helpers.js';

const token = 'abuse-admin-token-0123456789';
const article = { title: 'Locked out', url: 'https://desk.example/locked', summary: 'S.', published: '2026-01-10T09:30:00Z' };

test('a write lock held elsewhere makes an admin write a 503 with Retry-After, and loses nothing', async () => {
  const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
  const other = new Database(ctx.cfg.databasePath);
  try {
    ctx.db.pragma('busy_timeout = 200');
    const { key } = createPartner(ctx.db, 'Wire', { fullText: true, categories: [] });
    const app = createApp(ctx);
    other.exec('BEGIN IMMEDIATE');
    const refused = await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.headers['retry-after'], '5');
    await request(app).get('/feeds/all.rss').set('Authorization', `Bearer ${key}`).expect(200);
    other.exec('ROLLBACK');
    assert.equal(ctx.db.prepare('SELECT count(*) FROM articles').pluck().get(), 0, 'nothing half-written');
    await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article).expect(201);
  } finally {
    other.close();
    ctx.close();
  }
});
