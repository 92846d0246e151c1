// Stopping an ingest (what a graceful shutdown does): the sources already
// started finish and are recorded; no further source is started.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { runIngest } from '../../src/ingest/run.js';
import { startScheduler } from '../../src/scheduler.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const feed = (name: string) =>
  `<rss version="2.0"><channel><title>${name}</title><link>https://${name}.test/</link><description>${name}</description>
<item><title>${name} one</title><link>https://${name}.test/1</link><guid>https://${name}.test/1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

describe('stopping an ingest', () => {
  let fixtures: FixtureServer;
  let ctx: TestContext;
  let requested: string[] = [];
  let firstRequest: Promise<void>;

  before(async () => {
    // Each feed answers after 150 ms, so that a stop lands while one is being fetched.
    const slow = (name: string) => (_req: unknown, res: ServerResponse) => {
      requested.push(name);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(name)), 150);
    };
    fixtures = await serveFixtures({ '/a.rss': slow('a'), '/b.rss': slow('b'), '/c.rss': slow('c') });
    ctx = testContext(
      configWithSources(
        ['a', 'b', 'c'].map((n) => `  - { slug: ${n}, name: ${n.toUpperCase()}, url: "${fixtures.url}/${n}.rss" }`).join('\n'),
        '',
        true,
        '  concurrency: 1\n',
      ),
    );
  });
  after(async () => {
    ctx.close();
    await fixtures.close();
  });

  const fetchedSlugs = () => ctx.db.prepare('SELECT slug FROM sources WHERE last_fetched_at IS NOT NULL ORDER BY slug').pluck().all();

  test('runIngest whose signal is aborted after the first source records that source and starts no other', async () => {
    requested = [];
    const stop = new AbortController();
    const results = await runIngest(ctx, listSources(ctx.db), () => stop.abort(), stop.signal);
    assert.deepEqual(results.map((r) => [r.source, r.status, r.itemsNew]), [['a', 'ok', 1]]);
    assert.deepEqual(requested, ['a']);
    assert.deepEqual(fetchedSlugs(), ['a']);
    const run = ctx.db.prepare('SELECT finished_at FROM ingest_runs ORDER BY id DESC LIMIT 1').get() as { finished_at: number | null };
    assert.ok(run.finished_at, 'the run is recorded as finished');
  });

  test('scheduler.stop() during a run waits for the source being fetched, then the run ends without the others', async () => {
    requested = [];
    ctx.db.prepare('UPDATE sources SET next_due_at = 0, last_fetched_at = NULL').run();
    let started!: () => void;
    firstRequest = new Promise((resolve) => (started = resolve));
    fixtures.routes.set('/a.rss', (_req, res) => {
      requested.push('a');
      started();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed('a')), 150);
    });
    const scheduler = startScheduler(ctx);
    const run = scheduler.tick();
    await firstRequest;
    await scheduler.stop();
    const results = await run;
    assert.deepEqual(results.map((r) => [r.source, r.status]), [['a', 'ok']]);
    assert.deepEqual(requested, ['a']);
    assert.deepEqual(fetchedSlugs(), ['a']);
    assert.deepEqual(await scheduler.tick(), [], 'a stopped scheduler starts no run');
  });
});
