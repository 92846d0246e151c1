// The keys each committed change touched, queued by triggers in its
// transaction (018_changed_keys.sql) and taken off by the writer's change
// loop (publish/push/changes.ts) once the hub has been told and every purger has
// them.
import { type Db, prepared } from './db/db.js';

export interface ChangedKey {
  /** `kind/name` with the raw slug, or `all` (publish/edge/keys.ts encodes it). */
  key: string;
  /** The change count read with the row: the row goes only if no change came since. */
  changes: number;
  /** The change count last announced to the hub: below `changes`, a change is still to be announced. */
  announced: number;
  attempts: number;
  /** When its purge is next due (ms): later than now after a purger failed. */
  dueAt: number;
  queuedAt: number;
}

/** Keys to announce or due to be purged by `now`, the longest waiting first. */
export function pendingChanges(db: Db, now: number, limit: number): ChangedKey[] {
  return prepared(
    db,
    `SELECT key, changes, announced, attempts, due_at AS dueAt, queued_at AS queuedAt FROM changed_keys
     WHERE due_at <= ? OR announced < changes ORDER BY queued_at LIMIT ?`,
  ).all(now, limit) as ChangedKey[];
}

/** Records that the changes read with these rows were announced. */
export function markAnnounced(db: Db, keys: readonly ChangedKey[]): void {
  const mark = prepared(db, 'UPDATE changed_keys SET announced = ? WHERE key = ? AND announced < ?');
  db.transaction(() => keys.forEach((k) => mark.run(k.changes, k.key, k.changes))).immediate();
}

/** Takes off the keys every purger has taken, unless another change to a key came meanwhile. */
export function markPurged(db: Db, keys: readonly ChangedKey[]): void {
  const remove = prepared(db, 'DELETE FROM changed_keys WHERE key = ? AND changes = ?');
  db.transaction(() => keys.forEach((k) => remove.run(k.key, k.changes))).immediate();
}

/** Puts the keys a purger refused off until `dueAt`, counting the attempt. */
export function deferPurges(db: Db, keys: readonly ChangedKey[], dueAt: (attempts: number) => number): void {
  const defer = prepared(db, 'UPDATE changed_keys SET attempts = ?, due_at = ? WHERE key = ?');
  db.transaction(() => keys.forEach((k) => defer.run(k.attempts + 1, dueAt(k.attempts + 1), k.key))).immediate();
}

/**
 * Queues one key as the triggers do, for a writer that changes many rows of
 * one answer at once (a related list); call inside its transaction.
 */
export function queueChangedKey(db: Db, key: string): void {
  prepared(db, 'INSERT INTO changed_keys (key, queued_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET changes = changes + 1').run(key, Date.now());
}

/** Keys waiting, and how long the oldest has waited (ms; 0 with none): for /metrics. */
export function changeBacklog(db: Db, now: number): { keys: number; oldestMs: number } {
  const row = prepared(db, 'SELECT count(*) AS keys, min(queued_at) AS oldest FROM changed_keys').get() as { keys: number; oldest: number | null };
  return { keys: row.keys, oldestMs: row.oldest === null ? 0 : Math.max(0, now - row.oldest) };
}

/**
 * Queues the keys of the category and tag lists an article is in, for a
 * change to it that no trigger on those tables sees (an embargo that moves
 * or ends); call inside its transaction.
 */
export function queueCategoryAndTagKeys(db: Db, articleId: number): void {
  const lists = prepared(
    db,
    `SELECT 'category/' || category_slug FROM article_categories WHERE article_id = @id
     UNION SELECT 'tag/' || slug FROM article_tags WHERE article_id = @id`,
  )
    .pluck()
    .all({ id: articleId }) as string[];
  for (const key of lists) queueChangedKey(db, key);
}

/**
 * Queues the keys of every article whose embargo has ended since the last
 * call, up to `now` (023_embargoes.sql): nothing is written when an embargo
 * ends, so the triggers cannot see it. Its lists (everything, its source,
 * its categories and tags) and its own answers are purged and pushed like
 * any other change. How far lifts were queued is kept in the database, so a
 * lift that passed while no writer ran is queued at the next start. Returns
 * how many articles it queued.
 */
export function queueEmbargoLifts(db: Db, now: number): number {
  const ended = () =>
    prepared(
      db,
      `SELECT id, source_id FROM articles WHERE embargo_until > (SELECT announced_until FROM embargo_lifts WHERE id = 1)
         AND embargo_until <= ? AND withdrawn_at IS NULL`,
    ).all(now) as { id: number; source_id: number }[];
  // A read first: most passes find nothing, and take no write lock for it.
  if (ended().length === 0) return 0;
  return db
    .transaction(() => {
      const lifted = ended();
      for (const a of lifted) {
        for (const key of ['all', `article/${a.id}`, `source/${a.source_id}`]) queueChangedKey(db, key);
        queueCategoryAndTagKeys(db, a.id);
      }
      prepared(db, 'UPDATE embargo_lifts SET announced_until = max(announced_until, ?) WHERE id = 1').run(now);
      return lifted.length;
    })
    .immediate();
}
