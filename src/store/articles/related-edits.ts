// Editors' edits of related stories (issue 18): a pin shows one of our
// articles in another's related list, a removal hides it. An editor thinks
// of a relation, not a direction, so every edit is written as two rows, one
// per article. Edits are applied when articles are read (related-reads.ts),
// so that they hold whatever relate computes later; relate asks
// isRelationRemoved before it links two articles or joins them into one
// story, so that it does not build again what an editor took apart.
import { type Db, prepared } from '../db/db.js';
import { type ComputedKind, findRelateSubject, findStoryOf, listRelatedOfKind, listStoryMembers, replaceRelated, setStory } from './related.js';

export type EditAction = 'pin' | 'remove';

export interface RelatedEdit {
  targetId: number;
  action: EditAction;
  createdAt: Date;
}

/** Whether an editor removed the relation between articles `a` and `b` (either way round: edits are symmetric). */
export function isRelationRemoved(db: Db, a: number, b: number): boolean {
  return prepared(db, "SELECT 1 FROM related_edits WHERE article_id = ? AND target_id = ? AND action = 'remove'").get(a, b) !== undefined;
}

/** The articles an editor removed from `id`'s relations: for relate, to leave them out of a whole list at once. */
export function listRemovedIds(db: Db, id: number): Set<number> {
  return new Set(prepared(db, "SELECT target_id FROM related_edits WHERE article_id = ? AND action = 'remove'").pluck().all(id) as number[]);
}

/** An article's edits, oldest first. */
export function listEdits(db: Db, id: number): RelatedEdit[] {
  const rows = prepared(db, 'SELECT target_id, action, created_at FROM related_edits WHERE article_id = ? ORDER BY created_at, target_id').all(id) as {
    target_id: number;
    action: EditAction;
    created_at: number;
  }[];
  return rows.map((r) => ({ targetId: r.target_id, action: r.action, createdAt: new Date(r.created_at) }));
}

/**
 * Records an edit of the relation between `a` and `b` (both ways), replacing
 * any other edit of it. Returns false when that very edit was there already
 * (nothing is written). A removal also takes apart what relate stored: the
 * links between the two, and their story when they were in one.
 */
export function recordEdit(db: Db, a: number, b: number, action: EditAction, now = new Date()): boolean {
  return db
    .transaction(() => {
      const current = prepared(db, 'SELECT action FROM related_edits WHERE article_id = ? AND target_id = ?').pluck().get(a, b);
      if (current === action) return false;
      const upsert = prepared(
        db,
        `INSERT INTO related_edits (article_id, target_id, action, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (article_id, target_id) DO UPDATE SET action = excluded.action, created_at = excluded.created_at`,
      );
      upsert.run(a, b, action, now.getTime());
      upsert.run(b, a, action, now.getTime());
      if (action === 'remove') unrelate(db, a, b);
      touch(db, [a, b], now);
      return true;
    })
    .immediate();
}

/** Forgets the edit of the relation between `a` and `b` (both ways); false when there was none. What a removal split stays split until relate joins it again. */
export function clearEdit(db: Db, a: number, b: number, now = new Date()): boolean {
  return db
    .transaction(() => {
      const removed = prepared(db, 'DELETE FROM related_edits WHERE (article_id = ? AND target_id = ?) OR (article_id = ? AND target_id = ?)').run(a, b, b, a);
      if (removed.changes === 0) return false;
      touch(db, [a, b], now);
      return true;
    })
    .immediate();
}

/**
 * An edit changes what both items show, so both count as updated: a feed's
 * Last-Modified (its newest item's update) moves with its ETag, and readers
 * that look at an item's updated time fetch it again. (The row's trigger
 * also moves the content version, which drops the rendered feeds.)
 */
function touch(db: Db, ids: readonly number[], now: Date): void {
  const update = prepared(db, 'UPDATE articles SET updated_at = max(updated_at, ?) WHERE id = ?');
  for (const id of ids) update.run(now.getTime(), id);
}

const KINDS: readonly ComputedKind[] = ['same-story', 'follow-up', 'computed'];

/**
 * Takes apart what relate stored between `a` and `b`: `b` leaves `a`'s story
 * (and stands alone: the story's other versions were joined to it through
 * `a`'s story, which is not its own), and the links relate wrote between the
 * two, of every kind, go, each list rewritten without them so that its
 * positions stay in a row. The links an article names itself are its own;
 * reads hide them.
 */
function unrelate(db: Db, a: number, b: number): void {
  const subjectA = findRelateSubject(db, a);
  const subjectB = findRelateSubject(db, b);
  if (!subjectA || !subjectB) return;
  const story = findStoryOf(db, a);
  if (story === findStoryOf(db, b)) {
    const rest = listStoryMembers(db, story).filter((m) => m.id !== b);
    setStory(db, rest);
    setStory(db, [subjectB]);
    // The rest lose b; b loses the rest (its same-story list named only them).
    // (A version of the rest at b's very URL keeps its place in their lists.)
    const restUrls = new Set(rest.map((m) => m.url));
    if (!restUrls.has(subjectB.url)) for (const m of rest) dropLinks(db, m.id, new Set([subjectB.url]), ['same-story']);
    dropLinks(db, b, restUrls, ['same-story']);
  }
  dropLinks(db, a, new Set([subjectB.url]), KINDS);
  dropLinks(db, b, new Set([subjectA.url]), KINDS);
}

/** Rewrites `id`'s lists of `kinds` without the links to `urls` (identities, as relate stores them). */
function dropLinks(db: Db, id: number, urls: ReadonlySet<string>, kinds: readonly ComputedKind[]): void {
  for (const kind of kinds) {
    const stored = listRelatedOfKind(db, id, kind);
    const kept = stored.filter((l) => !urls.has(l.url));
    if (kept.length < stored.length) replaceRelated(db, id, kind, kept, stored);
  }
}
