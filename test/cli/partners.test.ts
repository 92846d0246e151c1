// `wirefeed partners add | list | revoke` as a real process, and the key it
// prints working (then not) through HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { PartnerUsage } from '../../src/store/partner-usage.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources } from '../helpers.js';
import { startServe } from './serve-process.js';

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
      const usage = new PartnerUsage(ctx.db, ctx.log);
      await request(createApp(ctx, { partnerUsage: usage })).get('/feeds/all.rss').set('Authorization', `Bearer ${key}`).expect(200);
      assert.ok(usage.close(), 'the count is written, as serve does at shutdown');
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

  test('a running server counts in memory: `partners list` shows its counts after a flush, and the last ones after SIGTERM', async () => {
    const served = async (flushSeconds: number, work: (port: number) => Promise<void>): Promise<void> => {
      const config = join(dir, `flush-${flushSeconds}.yaml`);
      writeFileSync(config, configWithSources('  []').replace('publish:\n', `publish:\n  partner_counts_flush_seconds: ${flushSeconds}\n`));
      const serveEnv = { ...env, WIREFEED_CONFIG: config, WIREFEED_PORT: '0', WIREFEED_LOG_LEVEL: 'info' };
      const serve = await startServe({ env: serveEnv });
      try {
        await work(serve.port);
        assert.equal(await serve.stop(), 0, serve.log());
      } finally {
        await serve.kill();
      }
    };
    const ctx = openContext(loadConfig(env), createLog('silent'));
    const { key } = createPartner(ctx.db, 'Tide Tables', { fullText: false, categories: [] });
    // Read as `partners list` reads them; the command itself is run once, at the end.
    const listed = () => ctx.db.prepare("SELECT requests FROM partners WHERE name = 'Tide Tables'").pluck().get() as number;
    const requests = async (port: number, n: number) => {
      for (let i = 0; i < n; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/categories?key=${key}`)).status, 200);
    };

    try {
      // Flushed only at shutdown (the timer is an hour away): nothing is written while it runs, everything when it stops.
      await served(3600, async (port) => {
        await requests(port, 5);
        assert.equal(listed(), 0, "counted in memory, not on the requests' path");
      });
      assert.equal(listed(), 5, 'written at shutdown');

      // The timer writes them while the server runs.
      await served(0.2, async (port) => {
        await requests(port, 3);
        await until(() => listed() === 8, 'the flushed counts');
      });
    } finally {
      ctx.db.close();
    }
    const list = (await wirefeed('partners', 'list')).stdout;
    assert.match(list, /Tide Tables\s+wf_\S+…\s+summaries, all categories\s+8\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+active/);
  });
});

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
