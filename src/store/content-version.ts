// The content version: a number that changes whenever anything a feed shows
// changes, in this process or another: triggers move it for articles, sources
// and categories (004_content_version.sql), and the store functions that
// write categories, tags and related stories of articles call
// bumpContentVersion (010_content_version_per_call.sql).
import { type Db, prepared } from './db/db.js';

const statements = new WeakMap<Db, () => number>();

export function contentVersion(db: Db): number {
  let read = statements.get(db);
  if (!read) {
    const statement = db.prepare('SELECT version FROM content_version WHERE id = 1').pluck();
    read = () => statement.get() as number;
    statements.set(db, read);
  }
  return read();
}

/** Moves the content version; call inside the transaction that made the change. */
export function bumpContentVersion(db: Db): void {
  // By its key: an UPDATE that may touch several rows takes a statement
  // savepoint, at which FTS5 writes out the index entries it holds (store/articles/articles.ts).
  prepared(db, 'UPDATE content_version SET version = version + 1 WHERE id = 1').run();
}

/**
 * When the database was created (its first migration): the date an empty
 * feed carries, rather than 1970. Stable, so that the feed's bytes and ETag are.
 */
export function databaseCreatedAt(db: Db): Date | undefined {
  const at = prepared(db, 'SELECT min(applied_at) FROM schema_migrations').pluck().get() as number | null;
  return at === null ? undefined : new Date(at);
}
