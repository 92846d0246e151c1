// The plain context object handed to every handler and job, and how it is
// made: open the database, apply the migrations, mirror the configured
// taxonomy and sources into it. A database file that is corrupt, unwritable
// or full makes this throw a DatabaseError naming the path (store/db/faults.ts).
import type { Config } from './config/config.js';
import type { AddressGuard } from './ingest/fetch/ssrf.js';
import type { Log } from './observe/log.js';
import { backfillBodyText } from './store/articles/body-text.js';
import { syncCategories } from './store/categories.js';
import { type Db, migrate, openDb } from './store/db/db.js';
import { checkIntegrity, openFailure } from './store/db/faults.js';
import { watchDatabase } from './store/db/health.js';
import { syncSources } from './store/sources.js';

export interface Context {
  db: Db;
  cfg: Readonly<Config>;
  log: Log;
  /**
   * Replaces the SSRF guard (ssrf.ts) for sources outside the config file, at
   * import and at fetch: tests use it to stand in for DNS, or to let one
   * local fixture count as public. Unset everywhere else.
   */
  addressGuard?: AddressGuard;
}

export interface OpenOptions {
  /** Run SQLite's quick_check first: it reads the whole file, so only commands that start long work ask for it. */
  check?: boolean;
  /**
   * A second connection (serve's writer thread, a reader process): the
   * process that started it has checked, migrated and mirrored the config
   * already, so this one only opens the file.
   */
  migrated?: boolean;
}

export function openContext(cfg: Readonly<Config>, log: Log, options: OpenOptions = {}): Context {
  const path = cfg.databasePath;
  const db = openDb(path);
  if (options.migrated) {
    watchDatabase(db);
    return { db, cfg, log };
  }
  try {
    if (options.check) {
      const started = performance.now();
      checkIntegrity(db, path);
      log.info({ event: 'database_checked', database: path, duration_ms: Math.round(performance.now() - started) }, 'database passed quick_check');
    }
    const applied = migrate(db);
    if (applied.length > 0) log.info({ event: 'migrated', migrations: applied, database: path }, 'database migrated');
    // Once, after migration 009: the bodies of older articles become searchable text.
    const written = backfillBodyText(db, (done) => {
      if (done % 50_000 === 0) log.info({ event: 'body_text_progress', articles: done }, 'writing the search text of older articles');
    });
    if (written > 0) log.info({ event: 'body_text_written', articles: written }, 'search text written for older articles');
    syncCategories(db, cfg.categories);
    syncSources(db, cfg.sources);
  } catch (err) {
    db.close();
    throw openFailure(path, err);
  }
  // What /readyz compares against later: the file found at this path now.
  watchDatabase(db);
  return { db, cfg, log };
}
