// Opens the SQLite database (WAL) and applies the migrations in db/migrations,
// in file-name order, each in its own transaction, recording each version.
// A path that cannot be opened is a DatabaseError naming it (store/db/faults.ts).
//
// Every write transaction in src/ begins IMMEDIATE (`db.transaction(fn)
// .immediate()`), never deferred: a deferred transaction that has read and
// then writes while another connection (the writer thread, a CLI ingest, the
// health probe) holds the write lock fails at once with "database is
// locked", without waiting its busy timeout, since its snapshot is already
// older than that writer's commit. IMMEDIATE takes the lock first, waiting.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../paths.js';
import { cannotOpen, openFailure } from './faults.js';

export type Db = Database.Database;

export const migrationsDir = join(packageRoot, 'db', 'migrations');

export function openDb(path: string): Db {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw cannotOpen(path, err);
    }
  }
  let db: Db | undefined;
  try {
    db = new Database(path);
    // WAL lets readers (the HTTP server) go on while an ingest writes.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    db?.close();
    throw openFailure(path, err);
  }
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number.parseInt(f, 10), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Applies the migrations not yet recorded; returns the names of those it applied. */
export function migrate(db: Db, migrations = listMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }).immediate();
    done.push(m.name);
  }
  return done;
}

export function schemaVersion(db: Db): number {
  return (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number) ?? 0;
}

/** The migrations in db/migrations that this database has not recorded (all of them before the first migrate). */
export function pendingMigrations(db: Db, migrations = listMigrations()): string[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const applied = new Set(hasTable ? (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]) : []);
  return migrations.filter((m) => !applied.has(m.version)).map((m) => m.name);
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, prepared once per connection: for the writes ingest repeats per article. */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/**
 * Runs `fn` waiting at most `ms` for another process's lock instead of the
 * connection's 5 s: for small writes made on the thread that answers
 * requests (the health probe, the writer lease), where a long wait would
 * stall every request and "not now" is an answer.
 */
export function withBusyTimeout<T>(db: Db, ms: number, fn: () => T): T {
  const busy = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${busy}`);
  }
}
