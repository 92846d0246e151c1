// The keys a cache in front must drop, queued by triggers in the transaction
// of each change (018_edge_purges.sql) and taken off by the writer's purge
// loop (publish/edge/purge-loop.ts) once every purger has them.
import { type Db, prepared } from './db/db.js';

export interface QueuedPurge {
  /** `kind/name` with the raw slug, or `all` (publish/edge/keys.ts encodes it). */
  key: string;
  /** The change count read with the row: the row goes only if no change came since. */
  changes: number;
  attempts: number;
  queuedAt: number;
}

/** Keys due by `now`, the longest waiting first. */
export function duePurges(db: Db, now: number, limit: number): QueuedPurge[] {
  return prepared(db, 'SELECT key, changes, attempts, queued_at AS queuedAt FROM edge_purges WHERE due_at <= ? ORDER BY queued_at LIMIT ?').all(
    now,
    limit,
  ) as QueuedPurge[];
}

/** Takes off the keys every purger has taken, unless another change to a key came meanwhile. */
export function markPurged(db: Db, purges: readonly QueuedPurge[]): void {
  const remove = prepared(db, 'DELETE FROM edge_purges WHERE key = ? AND changes = ?');
  db.transaction(() => purges.forEach((p) => remove.run(p.key, p.changes))).immediate();
}

/** Puts the keys a purger refused off until `dueAt`, counting the attempt. */
export function deferPurges(db: Db, purges: readonly QueuedPurge[], dueAt: (attempts: number) => number): void {
  const defer = prepared(db, 'UPDATE edge_purges SET attempts = ?, due_at = ? WHERE key = ?');
  db.transaction(() => purges.forEach((p) => defer.run(p.attempts + 1, dueAt(p.attempts + 1), p.key))).immediate();
}

/**
 * Queues one key as the triggers do, for a writer that changes many rows of
 * one answer at once (a related list); call inside its transaction.
 */
export function queueEdgePurge(db: Db, key: string): void {
  prepared(db, 'INSERT INTO edge_purges (key, queued_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET changes = changes + 1').run(key, Date.now());
}

/**
 * With no purger configured nothing reads the queue: it is emptied instead
 * of growing with the archive, a batch at a time so that the write lock is
 * held briefly (a bulk import may have queued a key per article). True
 * while more are left.
 */
export function clearPurges(db: Db, batch = 10_000): boolean {
  return prepared(db, 'DELETE FROM edge_purges WHERE key IN (SELECT key FROM edge_purges LIMIT ?)').run(batch).changes === batch;
}

/** Keys waiting, and how long the oldest has waited (ms; 0 with none): for /metrics. */
export function purgeBacklog(db: Db, now: number): { keys: number; oldestMs: number } {
  const row = prepared(db, 'SELECT count(*) AS keys, min(queued_at) AS oldest FROM edge_purges').get() as { keys: number; oldest: number | null };
  return { keys: row.keys, oldestMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest) };
}
