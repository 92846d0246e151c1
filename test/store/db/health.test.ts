// The health probe's log: one line when the database stops being ready, one
// when it is ready again, none while nothing changes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createLog } from '../../../src/observe/log.js';
import { noteDatabaseError, startHealthProbe, unhealthyBecause } from '../../../src/store/db/health.js';
import { testContext } from '../../helpers.js';

test('the probe logs database_unhealthy once when its write fails, and database_healthy once it succeeds again', async () => {
  const ctx = testContext();
  const events: Record<string, unknown>[] = [];
  const sink = { write: (line: string) => events.push(JSON.parse(line) as Record<string, unknown>) };
  const probe = startHealthProbe(ctx.db, createLog('info', sink as unknown as NodeJS.WritableStream), 10);
  try {
    await sleep(50);
    assert.equal(events.length, 0, 'nothing to say while healthy');
    // Without its table the heartbeat cannot be written.
    ctx.db.exec('ALTER TABLE health_probe RENAME TO health_probe_away');
    await sleep(60);
    assert.match(unhealthyBecause(ctx.db) ?? '', /^database: a write failed: .*no such table: health_probe/);
    ctx.db.exec('ALTER TABLE health_probe_away RENAME TO health_probe');
    await sleep(60);
    assert.equal(unhealthyBecause(ctx.db), undefined);
    assert.deepEqual(events.map((e) => e.event), ['database_unhealthy', 'database_healthy']);
    assert.equal(events[0]?.database, ctx.cfg.databasePath);

    // A corruption met by a query outlives any later successful write.
    noteDatabaseError(ctx.db, Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }));
    await sleep(60);
    assert.match(unhealthyBecause(ctx.db) ?? '', /^database: corrupt: database disk image is malformed \(SQLITE_CORRUPT\)/);
    assert.deepEqual(events.map((e) => e.event), ['database_unhealthy', 'database_healthy', 'database_unhealthy']);
  } finally {
    probe.stop();
    ctx.close();
  }
});

test('errors that do not blame the database file (a constraint, a busy lock) leave readiness alone', () => {
  const ctx = testContext();
  try {
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_BUSY', 'SQLITE_ERROR', undefined]) {
      noteDatabaseError(ctx.db, Object.assign(new Error('not the file'), { code }));
    }
    assert.equal(unhealthyBecause(ctx.db), undefined);
    noteDatabaseError(ctx.db, Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }));
    assert.equal(unhealthyBecause(ctx.db), 'database: a write failed: disk I/O error (SQLITE_IOERR_WRITE)');
  } finally {
    ctx.close();
  }
});
