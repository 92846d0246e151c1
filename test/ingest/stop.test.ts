// Stopping an ingest (what a graceful shutdown does): no further source is
// started; a fetch in flight is aborted and its source recorded as
// interrupted (not failed, and due again at once); what is stored stays.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { runIngest } from '../../src/ingest/run.js';
import { startScheduler } from '../../src/ingest/schedule.js';
import { findSourceBySlug, listSources } from '../../src/store/sources.js';
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

  test('scheduler.stop() during a run aborts the fetch in flight, records its source as interrupted and starts no other', async () => {
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
    assert.deepEqual(results.map((r) => [r.source, r.status]), [['a', 'interrupted']]);
    assert.deepEqual(requested, ['a']);
    assert.deepEqual(fetchedSlugs(), ['a']);
    assert.deepEqual(await scheduler.tick(), [], 'a stopped scheduler starts no run');
  });
});

describe('stopping an ingest while a fetch hangs', () => {
  let hanging: FixtureServer;
  let quick: FixtureServer;
  let ctx: TestContext;
  const hung: IncomingMessage[] = [];

  before(async () => {
    // Two servers, so that the two sources are on different hosts and fetched at once.
    hanging = await serveFixtures({ '/hang.rss': (req) => void hung.push(req) });
    quick = await serveFixtures({ '/quick.rss': { body: feed('quick'), type: 'application/rss+xml' } });
    ctx = testContext(
      configWithSources(
        `  - { slug: hang, name: Hang, url: "${hanging.url}/hang.rss" }\n  - { slug: quick, name: Quick, url: "${quick.url}/quick.rss" }`,
        '',
        true,
        '  concurrency: 2\n  timeout_seconds: 30\n',
      ),
    );
  });
  after(async () => {
    ctx.close();
    await Promise.all([hanging.close(), quick.close()]);
  });

  test('scheduler.stop() ends at once; the hung source is interrupted, keeps its error count and is due now; the other is stored', async () => {
    ctx.db.prepare("UPDATE sources SET error_count = 2 WHERE slug = 'hang'").run();
    let quickStored!: () => void;
    const stored = new Promise<void>((resolve) => (quickStored = resolve));
    const scheduler = startScheduler(ctx, { onResult: (r) => r.source === 'quick' && quickStored() });
    const run = scheduler.tick();
    await stored;
    while (hung.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const aborted = new Promise((resolve) => hung[0]!.socket.once('close', resolve));

    const stopping = performance.now();
    await scheduler.stop();
    const stopMs = performance.now() - stopping;
    assert.ok(stopMs < 1_000, `stop took ${Math.round(stopMs)} ms; the fetch's own timeout is 30 s`);
    await aborted; // the request was given up, not left open

    const results = await run;
    assert.deepEqual(results.map((r) => [r.source, r.status, r.error]), [['hang', 'interrupted', undefined], ['quick', 'ok', undefined]]);
    const runResults = ctx.db
      .prepare('SELECT s.slug, r.status FROM ingest_results r JOIN sources s ON s.id = r.source_id ORDER BY s.slug')
      .all();
    assert.deepEqual(runResults, [{ slug: 'hang', status: 'interrupted' }, { slug: 'quick', status: 'ok' }]);
    const hang = ctx.db.prepare("SELECT last_status, error_count, next_due_at FROM sources WHERE slug = 'hang'").get() as {
      last_status: string;
      error_count: number;
      next_due_at: number;
    };
    assert.equal(hang.last_status, 'interrupted');
    assert.equal(hang.error_count, 2, 'an interruption is neither a failure nor a success');
    assert.ok(hang.next_due_at <= Date.now(), 'due again at once');
    const quickId = findSourceBySlug(ctx.db, 'quick')!.id;
    assert.equal(ctx.db.prepare('SELECT count(*) FROM articles WHERE source_id = ?').pluck().get(quickId), 1);
  });
});
