// Conformance: every feed route, in every format, run through the
// independent consumers of shared/tools/feedcheck (xmllint, the Universal
// Feed Parser, rss-parser, @rowanmanning/feed-parser, newsboat, the JSON Feed
// 1.1 checker). Skipped, with the reason, where feedcheck is not installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listCategories } from '../../src/store/categories.js';
import { listSources } from '../../src/store/sources.js';
import { type TestContext, testContext } from '../helpers.js';

const run = promisify(execFile);
const feedcheck = process.env.FEEDCHECK ?? join(packageRoot, '..', 'shared', 'tools', 'feedcheck', 'feedcheck');

async function unavailable(): Promise<string | undefined> {
  if (!existsSync(feedcheck)) return `feedcheck not found at ${feedcheck}`;
  try {
    await run(feedcheck, ['--version'], { timeout: 30_000 });
    await run(feedcheck, ['--quiet', join(packageRoot, 'config', 'demo', 'feeds', 'harbor-wire.rss')], { timeout: 60_000 });
    return undefined;
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    // Exit 2 is feedcheck's own "cannot run" (missing dependencies); a
    // demo feed it rejects (exit 1) is a real failure left to the tests.
    return e.code === 1 ? undefined : `feedcheck cannot run here: ${(e.stderr ?? String(err)).trim().split('\n')[0]}`;
  }
}

describe('feedcheck conformance of every published feed', async () => {
  const skip = await unavailable();
  let ctx: TestContext;
  let server: Server;
  let base: string;
  let paths: string[] = [];

  before(async () => {
    if (skip) return;
    ctx = testContext();
    await runIngest(ctx, listSources(ctx.db));
    server = createApp(ctx).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const feeds = ['/feeds/all', ...listCategories(ctx.db).map((c) => `/feeds/categories/${c.slug}`)];
    feeds.push(...listSources(ctx.db).map((s) => `/feeds/sources/${s.slug}`));
    paths = feeds.flatMap((p) => ['rss', 'atom', 'json'].map((f) => `${p}.${f}`));
  });

  after(async () => {
    if (skip) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    ctx.close();
  });

  test('every route and format passes every consumer', { skip }, async () => {
    const failures: string[] = [];
    for (const path of paths) {
      // Category feeds with no story yet are valid but empty.
      const args = ['--quiet', '--allow-empty', `${base}${path}`];
      try {
        await run(feedcheck, args, { timeout: 120_000 });
      } catch (err) {
        failures.push(`${path}\n${(err as { stdout?: string }).stdout ?? String(err)}`);
      }
    }
    assert.ok(paths.length >= 3 * 10, `checked ${paths.length} feeds`);
    assert.deepEqual(failures, []);
  });
});
