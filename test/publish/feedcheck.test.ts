// Conformance: every feed route, in every format, run through the
// independent consumers of shared/tools/feedcheck (xmllint, the Universal
// Feed Parser, rss-parser, @rowanmanning/feed-parser, newsboat, the JSON Feed
// 1.1 checker). Skipped, with the reason, where feedcheck is not installed.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listCategories } from '../../src/store/categories.js';
import { listSources } from '../../src/store/sources.js';
import { feedcheckFailures, feedcheckUnavailable, type TestContext, testContext } from '../helpers.js';

describe('feedcheck conformance of every published feed', async () => {
  const skip = await feedcheckUnavailable();
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
    assert.ok(paths.length >= 3 * 10, `checked ${paths.length} feeds`);
    // Category feeds with no story yet are valid but empty: --allow-empty.
    assert.deepEqual(await feedcheckFailures(paths.map((p) => `${base}${p}`)), []);
  });
});
