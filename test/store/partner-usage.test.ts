// Partner request counts tallied in memory and written behind: what a flush
// writes, what it keeps when it cannot write, and when it runs.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createLog } from '../../src/observe/log.js';
import { PartnerUsage } from '../../src/store/partner-usage.js';
import { createPartner, listPartners, type Partner, partnerUsageReport } from '../../src/store/partners.js';
import { UsageTally } from '../../src/store/usage-tally.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A log whose lines the test reads back, by event. */
function capturedLog() {
  const lines: { event?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { event?: string });
      done();
    },
  });
  return { log: createLog('info', sink), events: (event: string) => lines.filter((l) => l.event === event).length };
}

describe('partner usage', () => {
  let ctx: TestContext;
  let a: Partner;
  let b: Partner;
  const stored = (p: Partner) => listPartners(ctx.db).find((q) => q.id === p.id) as Partner;

  beforeEach(() => {
    ctx = testContext(configWithSources('  []'));
    a = createPartner(ctx.db, 'A', { fullText: false, categories: [] }).partner;
    b = createPartner(ctx.db, 'B', { fullText: false, categories: [] }).partner;
  });
  afterEach(() => ctx.close());

  test('the last flush at shutdown waits half a second at most for a lock held elsewhere, then says the counts are lost', () => {
    const { log, events } = capturedLog();
    const usage = new PartnerUsage(ctx.db, log);
    usage.count(a.id);
    const other = new Database(ctx.cfg.databasePath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = performance.now();
      assert.equal(usage.close(), false);
      const waited = performance.now() - started;
      assert.ok(waited >= 400 && waited < 2_000, `waited ${waited} ms, within serve's second past its grace`);
      assert.equal(events('partner_counts_lost'), 1);
      assert.equal(ctx.db.pragma('busy_timeout', { simple: true }), 5000, 'the connection keeps its own timeout');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  test('counts stay in memory until a flush writes them, per partner, with the latest request time', () => {
    const usage = new PartnerUsage(ctx.db, ctx.log);
    usage.count(a.id, 3_000);
    usage.count(a.id, 1_000);
    usage.count(b.id, 2_000);
    assert.equal(stored(a).requests, 0);
    assert.equal(usage.unwritten, 3);
    assert.ok(usage.flush());
    assert.equal(usage.unwritten, 0);
    assert.deepEqual([stored(a).requests, stored(a).lastRequestAt?.getTime()], [2, 3_000]);
    assert.deepEqual([stored(b).requests, stored(b).lastRequestAt?.getTime()], [1, 2_000]);
    // A late batch adds its count but does not move the last request time back.
    usage.count(a.id, 500);
    assert.ok(usage.close());
    assert.deepEqual([stored(a).requests, stored(a).lastRequestAt?.getTime()], [3, 3_000]);
  });

  test('a flush that meets a lock held elsewhere fails at once, keeps every count, and logs once', () => {
    const { log, events } = capturedLog();
    const usage = new PartnerUsage(ctx.db, log);
    const other = new Database(ctx.cfg.databasePath);
    try {
      other.exec('BEGIN IMMEDIATE');
      usage.count(a.id);
      const started = performance.now();
      assert.equal(usage.flush(), false);
      assert.ok(performance.now() - started < 1_000, 'not busy_timeout (5 s)');
      usage.count(a.id);
      assert.equal(usage.flush(), false);
      assert.equal(ctx.db.pragma('busy_timeout', { simple: true }), 5000, 'the connection keeps its busy_timeout');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal(events('partner_counts_unwritten'), 1);
    assert.ok(usage.close());
    assert.equal(stored(a).requests, 2);
    assert.equal(events('partner_counts_written'), 1, 'the recovery is said too');
  });

  test('a flush the disk refuses keeps the counts for the next flush', () => {
    const usage = new PartnerUsage(ctx.db, ctx.log);
    usage.count(b.id);
    ctx.db.pragma('query_only = ON'); // every write now fails, as on a read-only disk
    assert.equal(usage.flush(), false);
    usage.count(b.id);
    ctx.db.pragma('query_only = OFF');
    assert.ok(usage.flush());
    assert.equal(stored(b).requests, 2);
    usage.close();
  });

  test('the timer flushes, and so does a tally past its size', async () => {
    const timed = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: 20 });
    timed.count(a.id);
    for (let i = 0; i < 100 && stored(a).requests === 0; i++) await sleep(10);
    assert.equal(stored(a).requests, 1);
    timed.close();

    const sized = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: 60_000, flushAfterRequests: 3 });
    sized.count(b.id);
    sized.count(b.id);
    await sleep(5);
    assert.equal(stored(b).requests, 0, 'below the size, the timer is awaited');
    sized.count(b.id);
    assert.equal(stored(b).requests, 0, 'not inside the request that filled it');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stored(b).requests, 3);
    sized.close();
  });

  test('usage per UTC day and first deliveries: a failed flush keeps them, and the earliest delivery wins whatever order batches come in', () => {
    const day = Date.parse('2026-03-01T23:59:59Z');
    const next = day + 2_000;
    const usage = new PartnerUsage(ctx.db, ctx.log);
    const via = (route: string, format: string, ...articleIds: number[]) => ({ articleIds, route, format });
    usage.count(a.id, day);
    usage.answered(a.id, { at: day, status: 200, bytes: 100, delivered: via('/feeds/all.:format', 'rss', 1, 2) });
    usage.count(a.id, next);
    usage.answered(a.id, { at: next, status: 304, bytes: 0, delivered: via('/feeds/all.:format', 'rss', 3) });
    // A HEAD (no bytes) and an error carry no articles.
    usage.count(a.id, next);
    usage.answered(a.id, { at: next, status: 200, bytes: 0, delivered: via('/feeds/all.:format', 'atom', 4) });
    ctx.db.pragma('query_only = ON');
    assert.equal(usage.flush(), false);
    ctx.db.pragma('query_only = OFF');
    // A reader's batch, sent before the failed one was written, with an earlier delivery of article 2.
    const reader = new UsageTally();
    reader.count(a.id, day - 1_000);
    reader.answered(a.id, { at: day - 1_000, status: 200, bytes: 50, delivered: via('/articles/:id.json', 'json', 2) });
    usage.add(reader.take());
    assert.ok(usage.flush());
    const report = partnerUsageReport(ctx.db, a.id, '2026-03-01', '2026-03-02');
    assert.deepEqual(report.days, [
      { day: '2026-03-01', requests: 2, bytes: 150, notModified: 0, articles: 2 },
      { day: '2026-03-02', requests: 2, bytes: 0, notModified: 1, articles: 0 },
    ]);
    assert.deepEqual(
      report.articles.map((x) => [x.id, x.firstAt.getTime(), x.route, x.format]),
      [
        [2, day - 1_000, '/articles/:id.json', 'json'],
        [1, day, '/feeds/all.:format', 'rss'],
      ],
    );
    // Written again later, an earlier stored delivery stays.
    usage.answered(a.id, { at: next, status: 200, bytes: 10, delivered: via('/feeds/all.:format', 'json', 1) });
    assert.ok(usage.close());
    assert.equal(partnerUsageReport(ctx.db, a.id, '2026-03-01', '2026-03-02').articles.find((x) => x.id === 1)?.format, 'rss');
    assert.equal(stored(a).requests, 4);
  });

  test('counts that can no longer be written are logged as lost, not thrown', () => {
    const { log, events } = capturedLog();
    const usage = new PartnerUsage(ctx.db, log);
    usage.count(a.id);
    ctx.db.close();
    assert.equal(usage.close(), false);
    assert.equal(events('partner_counts_lost'), 1);
  });
});
