// The writer lease (store/db/lease.ts) with a clock moved by hand: who may
// take it, when a silent holder may be replaced, and that another process's
// write lock is a "not now" rather than an error or a long wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createLog } from '../../../src/observe/log.js';
import { heartbeat, leaseHolder, release, startLease, tryAcquire, WriterLease } from '../../../src/store/db/lease.js';
import { testContext } from '../../helpers.js';

const TIMEOUT = 10_000;

test('a free lease is taken; while its holder beats, nobody else gets it; the holder may take it again', () => {
  const ctx = testContext();
  try {
    assert.equal(leaseHolder(ctx.db), undefined);
    assert.equal(tryAcquire(ctx.db, 'a', 1_000, TIMEOUT), true);
    assert.deepEqual(leaseHolder(ctx.db), { holder: 'a', acquiredAt: 1_000, heartbeatAt: 1_000 });
    assert.equal(tryAcquire(ctx.db, 'b', 5_000, TIMEOUT), false, 'held, beat 4 s ago');
    assert.equal(heartbeat(ctx.db, 'a', 9_000), 'held');
    assert.equal(tryAcquire(ctx.db, 'b', 18_999, TIMEOUT), false, 'the beat at 9 s holds until 19 s');
    assert.equal(tryAcquire(ctx.db, 'a', 12_000, TIMEOUT), true, 'the holder itself');
    assert.deepEqual(leaseHolder(ctx.db), { holder: 'a', acquiredAt: 1_000, heartbeatAt: 12_000 }, 'acquired_at kept');
  } finally {
    ctx.close();
  }
});

test('a holder silent for the takeover timeout is replaced, and its next beat says it lost the lease', () => {
  const ctx = testContext();
  try {
    assert.equal(tryAcquire(ctx.db, 'a', 1_000, TIMEOUT), true);
    assert.equal(tryAcquire(ctx.db, 'b', 11_000, TIMEOUT), true);
    assert.deepEqual(leaseHolder(ctx.db), { holder: 'b', acquiredAt: 11_000, heartbeatAt: 11_000 });
    assert.equal(heartbeat(ctx.db, 'a', 11_500), 'lost');
    assert.equal(leaseHolder(ctx.db)?.heartbeatAt, 11_000, "a lost holder's beat changes nothing");
  } finally {
    ctx.close();
  }
});

test('a released lease is free at once; releasing one held by another changes nothing', () => {
  const ctx = testContext();
  try {
    assert.equal(tryAcquire(ctx.db, 'a', 1_000, TIMEOUT), true);
    assert.equal(release(ctx.db, 'b'), true);
    assert.equal(leaseHolder(ctx.db)?.holder, 'a');
    assert.equal(release(ctx.db, 'a'), true);
    assert.equal(leaseHolder(ctx.db), undefined);
    assert.equal(tryAcquire(ctx.db, 'b', 1_001, TIMEOUT), true);
  } finally {
    ctx.close();
  }
});

test("another process's write lock makes an attempt answer 'not now' quickly, not throw or wait the connection's 5 s", () => {
  const ctx = testContext();
  const other = new Database(ctx.cfg.databasePath);
  try {
    assert.equal(tryAcquire(ctx.db, 'a', 1_000, TIMEOUT), true);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    assert.equal(tryAcquire(ctx.db, 'b', 50_000, TIMEOUT), false, 'expired, but the lock is busy');
    assert.equal(heartbeat(ctx.db, 'a', 2_000), 'busy');
    const waited = performance.now() - started;
    assert.ok(waited < 1_000, `waited ${Math.round(waited)} ms`);
    assert.equal(ctx.db.pragma('busy_timeout', { simple: true }), 5_000, "the connection's own wait is put back");
    other.exec('ROLLBACK');
    assert.equal(tryAcquire(ctx.db, 'b', 50_000, TIMEOUT), true);
  } finally {
    other.close();
    ctx.close();
  }
});

test('the loop tells its listeners and logs each change of role: acquired, taken over, stale, released', () => {
  const ctx = testContext();
  const lines: Record<string, unknown>[] = [];
  const log = createLog('info', { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } as unknown as NodeJS.WritableStream);
  let now = 1_000;
  const changes: boolean[] = [];
  const lease = new WriterLease(ctx.db, log, { holder: 'a', heartbeatMs: 2_000, timeoutMs: TIMEOUT, now: () => now });
  lease.onChange((writer) => changes.push(writer));
  const other = new Database(ctx.cfg.databasePath);
  try {
    assert.equal(lease.check(), true);
    now = 3_000;
    assert.equal(lease.check(), true, 'a beat');
    assert.deepEqual(changes, [true], 'told once');

    // Silent (a long pause) past the timeout: another process takes over; the next beat finds out.
    now = 14_000;
    assert.equal(tryAcquire(ctx.db, 'b', now, TIMEOUT), true);
    assert.equal(lease.check(), false);
    assert.equal(lease.check(), false, 'b beat 0 s ago: a waits');
    now = 25_000;
    assert.equal(lease.check(), true, "b's beat is 11 s old: a takes over again");

    // Beats that cannot get the lock: the holder steps down at half the timeout, before anyone may take over.
    other.exec('BEGIN IMMEDIATE');
    now = 27_000;
    assert.equal(lease.check(), true, 'busy 2 s: still the writer');
    now = 30_000;
    assert.equal(lease.check(), false, 'busy 5 s: no longer');
    other.exec('ROLLBACK');
    assert.equal(lease.check(), true, 'its own row, not yet taken');

    lease.stop();
    assert.equal(leaseHolder(ctx.db), undefined);
    assert.deepEqual(changes, [true, false, true, false, true, false]);
    const roles = lines.filter((l) => /^writer_/.test(String(l.event))).map((l) => `${String(l.event)}${l.reason ? `:${String(l.reason)}` : ''}`);
    assert.deepEqual(roles, ['writer_acquired', 'writer_lost:taken', 'writer_acquired', 'writer_lost:stale', 'writer_acquired', 'writer_lost:released']);
    assert.ok(lines.every((l) => l.holder === 'a'));
  } finally {
    other.close();
    ctx.close();
  }
});

test('two loops on one database: one writer; when it stops, the other takes over at its next attempt', async () => {
  const ctx = testContext();
  const log = createLog('silent');
  const other = new Database(ctx.cfg.databasePath);
  other.pragma('busy_timeout = 5000');
  // A timeout far above the bound below: taking over at once (the lease released) is told from waiting it out
  // even on a loaded machine.
  const a = startLease(ctx.db, log, { heartbeatMs: 20, timeoutMs: 10_000 });
  const b = startLease(other, log, { heartbeatMs: 20, timeoutMs: 10_000 });
  try {
    assert.equal(a.isWriter, true);
    assert.equal(b.isWriter, false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(b.isWriter, false, 'a beats');
    let tookOver = 0;
    b.onChange((writer) => writer && (tookOver = Date.now()));
    const stopped = Date.now();
    a.stop();
    while (!b.isWriter && Date.now() - stopped < 5_000) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(b.isWriter, true);
    assert.ok(tookOver - stopped < 5_000, `took over ${tookOver - stopped} ms after the release`);
  } finally {
    a.stop();
    b.stop();
    other.close();
    ctx.close();
  }
});
