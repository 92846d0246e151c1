// The content version: a number that changes whenever anything a feed shows
// changes, in this process or another (triggers in 004_content_version.sql).
import type { Db } from './db.js';

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
