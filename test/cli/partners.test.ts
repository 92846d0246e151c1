// `wirefeed partners add | list | revoke` as a real process, and the key it
// prints working (then not) through HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import { openContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));

describe('wirefeed partners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-partners-'));
  const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_DB: join(dir, 'p.db') };
  delete env.WIREFEED_CONFIG;
  const wirefeed = (...args: string[]) => run(process.execPath, [main, ...args], { env });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('add prints the key once, list counts its requests, revoke stops it', async () => {
    const added = await wirefeed('partners', 'add', 'Coast Weekly', '--categories', 'climate,transport', '--full-text');
    assert.match(added.stdout, /^Added partner Coast Weekly \(full text, climate transport\)\.\n/);
    const key = added.stdout.match(/Key \(shown this once; only its hash is kept\): (wf_[\w-]+)/)?.[1];
    assert.ok(key);

    const ctx = openContext(loadConfig(env), createLog('silent'));
    try {
      assert.equal(ctx.db.prepare('SELECT count(*) FROM partners WHERE key_hash LIKE ?').pluck().get(`%${key}%`), 0, 'the key itself is not stored');
      await request(createApp(ctx)).get('/feeds/all.rss').set('Authorization', `Bearer ${key}`).expect(200);
    } finally {
      ctx.db.close();
    }
    const listed = await wirefeed('partners', 'list');
    assert.match(listed.stdout, /Coast Weekly\s+wf_\S+…\s+full text, climate transport\s+1\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+active/);
    assert.doesNotMatch(listed.stdout, new RegExp(key.slice(12)), 'list never shows the key');

    assert.equal((await wirefeed('partners', 'revoke', 'Coast Weekly')).stdout, 'Revoked the key of Coast Weekly.\n');
    const ctx2 = openContext(loadConfig(env), createLog('silent'));
    try {
      await request(createApp(ctx2)).get(`/feeds/all.rss?key=${key}`).expect(401);
    } finally {
      ctx2.db.close();
    }
    await assert.rejects(wirefeed('partners', 'revoke', 'Coast Weekly'), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.equal(err.stderr, 'partners revoke: no active partner named "Coast Weekly"\n');
      return true;
    });
    await assert.rejects(wirefeed('partners', 'add', 'Other', '--categories', 'astrology'), (err: { stderr?: string }) => {
      assert.equal(err.stderr, 'partners add: unknown category: astrology\n');
      return true;
    });
  });
});
