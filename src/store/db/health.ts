// Whether the database can still be read and written where it was opened:
// what /readyz answers beyond "the migrations are applied". SQLite keeps
// writing to a file whose folder was deleted (the writes are acknowledged,
// then gone at the next start), and a corrupt page or a full disk shows only
// to the query that meets it. So this module remembers the file's identity
// at open, hears of every fault a query met (noteDatabaseError, called by
// the app's error handler and the ingest), and takes the result of a small
// periodic write made off the request path (startHealthProbe, in serve).
// Reading the verdict (unhealthyBecause) costs one stat and never writes.
import { existsSync, type Stats, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Log } from '../../observe/log.js';
import { type Db, prepared, withBusyTimeout } from './db.js';
import { databaseFault, isBusy } from './faults.js';

/** How often serve's probe writes. */
export const PROBE_MS = 5_000;
/**
 * The probe waits this long for the write lock (held by the writer, another
 * thread or process), not the connection's 5 s: it runs on the thread that
 * answers requests, and a request must never wait long on it. A probe that
 * finds the lock busy tells nothing; the next one tries again.
 */
const PROBE_BUSY_MS = 20;
/** A block's worth, so that a file system with no room left refuses it. */
const PROBE_BYTES = Buffer.alloc(4096);

interface Health {
  path: string;
  /** The file at `path` when it was opened; undefined for an in-memory database. */
  identity?: { dev: number; ino: number };
  /** The first corruption met since start: kept, since no later write mends it. */
  corrupt?: string;
  /** Why the last write failed (I/O, full, read-only, cannot open), until the probe writes again. */
  failing?: string;
}

const watched = new WeakMap<Db, Health>();

/** Remembers the file `db` has open, for unhealthyBecause to compare with. */
export function watchDatabase(db: Db): void {
  const stats = db.memory ? undefined : statSync(db.name);
  watched.set(db, { path: db.name, identity: stats && { dev: stats.dev, ino: stats.ino } });
}

/** Records `err` when it says the database file is at fault; other errors (a constraint, a bug) are not its business. */
export function noteDatabaseError(db: Db, err: unknown): void {
  const health = watched.get(db);
  const fault = databaseFault(err);
  if (!health || !fault) return;
  if (fault === 'corrupt') health.corrupt ??= describe(err);
  else health.failing = `a write failed: ${describe(err)}`;
}

/**
 * Why `db` cannot be trusted to read and write, or undefined when nothing
 * says so: the file gone or replaced, a corruption met, the last write (or
 * probe) failed.
 */
export function unhealthyBecause(db: Db): string | undefined {
  const health = watched.get(db);
  if (!health) return undefined;
  const moved = health.identity && movedBecause(health.path, health.identity);
  if (moved) return `database: ${moved}`;
  if (health.corrupt) return `database: corrupt: ${health.corrupt}; restore it from a backup (wirefeed backup) or move it aside, then restart`;
  if (health.failing) return `database: ${health.failing}`;
  return undefined;
}

/**
 * One probe: a one-row write through the app's own connection, then a small
 * file written and removed beside the database (SQLite rewrites pages in
 * place, so only a new file finds out that the disk is full; and a folder
 * we cannot write in means the database cannot be opened again). A success
 * clears the last write failure; another process holding the write lock
 * tells nothing either way.
 */
export function probeDatabase(db: Db): void {
  const health = watched.get(db);
  if (!health || !db.open) return;
  try {
    writeHeartbeat(db);
  } catch (err) {
    if (isBusy(err)) return;
    if (databaseFault(err) === 'corrupt') noteDatabaseError(db, err);
    health.failing = `a write failed: ${describe(err)}`;
    return;
  }
  health.failing = db.memory ? undefined : folderProblem(health.path);
}

export interface HealthProbe {
  stop(): void;
}

/** Probes now and every `intervalMs`, logging each change of the verdict. */
export function startHealthProbe(db: Db, log: Log, intervalMs = PROBE_MS): HealthProbe {
  let last: string | undefined;
  const tick = () => {
    probeDatabase(db);
    const now = unhealthyBecause(db);
    if (now === last) return;
    if (now) log.error({ event: 'database_unhealthy', database: db.name, reason: now }, 'database unhealthy: not ready');
    else log.info({ event: 'database_healthy', database: db.name }, 'database healthy again: ready');
    last = now;
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function writeHeartbeat(db: Db): void {
  withBusyTimeout(db, PROBE_BUSY_MS, () => {
    prepared(db, 'INSERT INTO health_probe (id, beat_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at').run(Date.now());
  });
}

function folderProblem(path: string): string | undefined {
  const file = `${path}-probe`;
  try {
    writeFileSync(file, PROBE_BYTES);
    return undefined;
  } catch (err) {
    return `cannot write in the database's folder (${describe(err)})`;
  } finally {
    try {
      rmSync(file, { force: true });
    } catch {
      // Left behind only when the folder refuses changes, which the answer already says.
    }
  }
}

function movedBecause(path: string, identity: { dev: number; ino: number }): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot look at the file (${code})`;
    const folderGone = !existsSync(dirname(path));
    return `the file opened at start is gone (${folderGone ? 'its folder was deleted or moved' : 'deleted or moved'}); writes would be lost at the next start`;
  }
  if (stats.dev !== identity.dev || stats.ino !== identity.ino) {
    return 'the file at its path is not the one opened at start (replaced); restart to open it';
  }
  return undefined;
}

/** An error's own words without any path in them (readiness answers are public): "database or disk is full (SQLITE_FULL)". */
function describe(err: unknown): string {
  const { message, code } = err as { message?: string; code?: unknown };
  // Node's file system errors end in ", open '/path'".
  const text = (message ?? String(err)).replace(/, \w+ '.*'$/, '');
  return typeof code === 'string' && !text.startsWith(code) ? `${text} (${code})` : text;
}
