// What can be wrong with the database file itself, as opposed to a query:
// SQLite's result codes for a file that is corrupt, unreadable, unwritable
// or full, sorted into a few faults; and, at start, one line for the
// operator saying which path is wrong, why, and what to do about it
// (a stack trace helps nobody whose disk is read-only).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

/** corrupt: the file's content is wrong; the others: the file system refused or failed. */
export type DatabaseFault = 'corrupt' | 'io' | 'full' | 'readonly' | 'cantopen';

// Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED …) share their primary code's prefix.
const faults: [RegExp, DatabaseFault][] = [
  [/^SQLITE_(CORRUPT|NOTADB)/, 'corrupt'],
  [/^SQLITE_IOERR/, 'io'],
  [/^SQLITE_FULL/, 'full'],
  [/^SQLITE_READONLY/, 'readonly'],
  [/^SQLITE_CANTOPEN/, 'cantopen'],
];

/** The fault an error from better-sqlite3 reports, or undefined for any other error (a constraint, a busy lock, a bug). */
export function databaseFault(err: unknown): DatabaseFault | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  return faults.find(([pattern]) => pattern.test(code))?.[1];
}

/** Another connection holds the lock SQLite needed: a "not now", which says nothing about the file. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** The database cannot be used at its path: a problem for the operator, like a configuration error. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

const movePath = 'set WIREFEED_DB or "database" in the config to a writable path';
const restore = 'restore it from a backup (wirefeed backup) or move it aside';

/**
 * Runs SQLite's quick_check (every page's structure, not index contents):
 * O(database size), so once at start, before anything is written.
 */
export function checkIntegrity(db: Database.Database, path: string): void {
  let verdict: string;
  try {
    verdict = String(db.pragma('quick_check', { simple: true }));
  } catch (err) {
    throw openFailure(path, err);
  }
  if (verdict === 'ok') return;
  // The first problem is enough to name; the report starts with a "*** in database main ***" line.
  const first = verdict.split('\n').find((line) => line.trim() !== '' && !line.startsWith('***')) ?? verdict;
  throw new DatabaseError(`database: ${path} is corrupt (quick_check: ${first.trim()}); ${restore}`);
}

/**
 * The error to report when opening, checking or migrating the database at
 * `path` failed with `err`: a DatabaseError saying why in one line when the
 * file is at fault (corrupt, unwritable, full), `err` itself otherwise.
 */
export function openFailure(path: string, err: unknown): unknown {
  if (err instanceof DatabaseError) return err;
  const fault = databaseFault(err);
  if (fault === undefined) return err;
  const message = (err as Error).message;
  if (fault === 'corrupt') {
    const what = (err as { code?: string }).code === 'SQLITE_NOTADB' ? 'is not a SQLite database, or is corrupt' : 'is corrupt';
    return new DatabaseError(`database: ${path} ${what} (${message}); ${restore}`, { cause: err });
  }
  if (fault === 'full') {
    return new DatabaseError(`database: cannot write ${path}: ${message}; free space on its file system, or ${movePath}`, { cause: err });
  }
  return cannotOpen(path, err);
}

/** The database's folder could not be made (`err` from mkdir), or the file not opened: why, in one line. */
export function cannotOpen(path: string, err: unknown): DatabaseError {
  const why = whyNotWritable(path) ?? (err as Error).message;
  return new DatabaseError(`database: cannot open ${path}: ${why}; ${movePath}`, { cause: err });
}

/**
 * What stands between us and writing `path`, found by looking rather than
 * trusting the error (a recursive mkdir on a read-only file system reports
 * ENOENT): the nearest existing ancestor, the file itself, their access.
 */
function whyNotWritable(path: string): string | undefined {
  if (existsSync(path) && statSync(path).isDirectory()) return 'it is a directory';
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
  const target = existsSync(path) ? path : dir;
  const denied = accessError(target);
  if (denied === undefined) return undefined;
  const missing = dir === dirname(path) ? '' : `cannot create ${dirname(path)}: `;
  return `${missing}${target} ${denied}`;
}

function accessError(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'EROFS') return 'is on a read-only file system';
    if (code === 'EACCES') return 'is not writable by this user';
    if (code === 'EPERM') return 'may not be changed (immutable?)';
    return `is not writable (${code})`;
  }
}
