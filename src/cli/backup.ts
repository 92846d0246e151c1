// `wirefeed backup FILE`: a consistent copy of the database while the server
// may be running, through SQLite's online backup API (better-sqlite3's
// db.backup()). The copy is written next to FILE under a temporary name,
// made a single self-contained file (rollback journal, not WAL), checked,
// and only then renamed to FILE, so that FILE is never a half-written copy.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { CliError, type CliIo } from './common.js';
import { loadConfig } from '../config/config.js';
import { openDb } from '../store/db/db.js';

export async function backupDatabase(io: CliIo, file: string, force: boolean): Promise<void> {
  const cfg = loadConfig(io.env);
  if (!existsSync(cfg.databasePath)) throw new CliError(`backup: there is no database at ${cfg.databasePath}`);
  if (existsSync(file) && !force) throw new CliError(`backup: ${file} already exists; pass --force to replace it`);
  if (!existsSync(dirname(file))) throw new CliError(`backup: cannot write ${file}: no such folder ${dirname(file)}`);

  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  // Not openContext: a backup neither migrates nor syncs the config into the live database.
  const db = openDb(cfg.databasePath);
  try {
    await db.backup(temporary);
    const articles = finishCopy(temporary);
    renameSync(temporary, file);
    io.out(`Backed up ${cfg.databasePath} to ${file}: ${formatBytes(statSync(file).size)}, ${articles} article${articles === 1 ? '' : 's'}.`);
  } catch (err) {
    rmSync(temporary, { force: true });
    if (err instanceof CliError) throw err;
    throw new CliError(`backup: cannot copy the database to ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
}

/** Turns the copy into one file that opens anywhere, checks it, and counts its articles. */
function finishCopy(path: string): number {
  const copy = new Database(path);
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CliError(`backup: the copy failed its check: ${String(check)}`);
    return copy.prepare('SELECT count(*) FROM articles').pluck().get() as number;
  } finally {
    copy.close();
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
