// Reads a page of one feed for publishing, newest first, through the time
// indexes (keyset pagination: a page starts below a key, never at an
// OFFSET); its articles are read whole by store/articles/reads.ts.
import type { Article } from '../../model.js';
import { articlesByIds } from './reads.js';
import { type Db, prepared } from '../db/db.js';

export type FeedFilter =
  | { kind: 'all' }
  | { kind: 'category'; slug: string }
  | { kind: 'source'; sourceId: number }
  | { kind: 'tag'; slug: string }
  /** `match`: an FTS5 expression made by search.ts's matchExpression; `window`: how many of the newest matches are ranked. */
  | { kind: 'search'; match: string; window: number };

/** The feeds read in time order; search is read by rank (store/articles/search.ts). */
export type TimelineFilter = Exclude<FeedFilter, { kind: 'search' }>;

/** A place in a feed's time order: newest first by published time, then id. */
export interface FeedKey {
  publishedAt: number;
  id: number;
}

export interface FeedPage {
  items: Article[];
  /** Where the next older page starts (below this key), when older items exist. */
  older?: FeedKey;
  /** Where the next newer page starts, when it is not the first page. */
  newer?: FeedKey;
}

/**
 * The page of `limit` items below `before` (the first page without it). On a
 * page after the first, `newer` is where the page above it starts, or
 * undefined when that is the first page.
 */
export function listFeedPage(
  db: Db,
  filter: TimelineFilter,
  limit: number,
  before?: FeedKey,
  within: readonly string[] = [],
  asOf = Date.now(),
): FeedPage {
  const line = timeline(filter);
  const { table, id } = line;
  // Published by `asOf`: an embargoed article's published time is its embargo's end (store/articles/reads.ts).
  const shown = `${line.where} AND published_at <= ?`;
  const where = within.length ? `${shown} AND ${inCategories(`${table}.${id}`, within)}` : shown;
  const args = [...line.args, asOf, ...within];
  const older = db
    .prepare(
      `SELECT ${id} AS id, published_at FROM ${table}
       WHERE ${where}${before ? ` AND (published_at, ${id}) < (?, ?)` : ''}
       ORDER BY published_at DESC, ${id} DESC LIMIT ?`,
    )
    .all(...args, ...(before ? [before.publishedAt, before.id] : []), limit + 1) as KeyRow[];
  const page: FeedPage = { items: articlesByIds(db, older.slice(0, limit).map((r) => r.id), asOf) };
  if (older.length > limit) page.older = keyOf(older[limit - 1]);
  if (before) {
    // The items at or above `before`, oldest first: the page above this one
    // is the `limit` of them nearest to it, and starts below the next one up.
    const newer = db
      .prepare(
        `SELECT ${id} AS id, published_at FROM ${table}
         WHERE ${where} AND (published_at, ${id}) >= (?, ?)
         ORDER BY published_at ASC, ${id} ASC LIMIT ?`,
      )
      .all(...args, before.publishedAt, before.id, limit + 1) as KeyRow[];
    if (newer.length > limit) page.newer = keyOf(newer[limit]);
  }
  return page;
}

/**
 * The next time after `after` (ms) that an embargo ends: every list
 * rendered at `after` is out of date then, though nothing was written
 * (the render cache drops it; publish/cache.ts). Undefined when none waits.
 */
export function nextEmbargoEnd(db: Db, after: number): number | undefined {
  const end = prepared(db, 'SELECT min(embargo_until) FROM articles WHERE embargo_until > ?').pluck().get(after) as number | null;
  return end ?? undefined;
}

/** The earlier of two times that may be absent. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

interface KeyRow {
  id: number;
  published_at: number;
}

function keyOf(row: KeyRow | undefined): FeedKey | undefined {
  return row && { publishedAt: row.published_at, id: row.id };
}

/**
 * Each feed's rows in the table whose index orders them by time:
 * articles_by_time, articles_by_source_time, article_categories_by_time,
 * article_tags_by_time (published_at is copied into the link tables for this).
 */
function timeline(filter: TimelineFilter): { table: string; id: string; where: string; args: unknown[] } {
  switch (filter.kind) {
    case 'all':
      return { table: 'articles', id: 'id', where: 'story_id IS NULL AND withdrawn_at IS NULL', args: [] };
    case 'source':
      // A source's own feed lists all it published, other versions or not.
      return { table: 'articles', id: 'id', where: 'source_id = ? AND withdrawn_at IS NULL', args: [filter.sourceId] };
    // A withdrawn article has no category or tag rows left (publish-article.ts).
    case 'category':
      return { table: 'article_categories', id: 'article_id', where: `category_slug = ? AND ${notRepeated('article_categories', 'category_slug')}`, args: [filter.slug] };
    case 'tag':
      return { table: 'article_tags', id: 'article_id', where: `slug = ? AND ${notRepeated('article_tags', 'slug')}`, args: [filter.slug] };
  }
}

/**
 * A story told by several sources is listed once, by its first version (the
 * others are its same-story related links): one primary-key lookup per row
 * read, so a page still costs what its rows cost.
 */
export function storyFace(idColumn: string): string {
  return `NOT EXISTS (SELECT 1 FROM articles story WHERE story.id = ${idColumn} AND story.story_id IS NOT NULL)`;
}

/** Only articles in one of these categories (a partner limited to them): a primary-key lookup per row. */
export function inCategories(idColumn: string, within: readonly string[]): string {
  return `EXISTS (SELECT 1 FROM article_categories allowed WHERE allowed.article_id = ${idColumn}
    AND allowed.category_slug IN (${within.map(() => '?').join(',')}))`;
}

/**
 * In a category or tag feed a version is left out only when its story's
 * first version is in the same feed: otherwise the story would vanish from
 * it. Two primary-key lookups per row read.
 */
function notRepeated(table: 'article_categories' | 'article_tags', key: 'category_slug' | 'slug'): string {
  return `NOT EXISTS (SELECT 1 FROM articles member JOIN ${table} face ON face.article_id = member.story_id AND face.${key} = ${table}.${key}
    WHERE member.id = ${table}.article_id)`;
}

/** A feed's withdrawn articles, for its tombstones and its date (publish/document.ts). */
export interface Withdrawals {
  /** Those withdrawn after `since`, newest first, at most MAX_TOMBSTONES: with the title they had and the reason given, if any. */
  recent: { id: number; withdrawnAt: Date; title: string; reason?: string }[];
  /** When the feed last lost an article this way, however long ago; absent if never. */
  last?: Date;
}

/** A burst of withdrawals must not make every feed huge; the newest are the ones readers have not yet heard of. */
export const MAX_TOMBSTONES = 200;

/**
 * The articles withdrawn from a feed: all of them for everything, a source's
 * own for its feed, and for a category or tag feed (or a partner limited to
 * categories) those filed there when withdrawn. A version that another of
 * its story stood in for counts too: its tombstone names an id the reader
 * never had, which states nothing false.
 */
export function listWithdrawals(db: Db, filter: TimelineFilter, since: number, within: readonly string[] = [], heldToo = false): Withdrawals {
  const filed = withdrawnFrom(filter, within);
  // One withdrawn while under embargo was never out: no tombstone names it
  // to readers who could not see it, only to partners who got it early (`heldToo`).
  const where = heldToo ? filed.where : `${filed.where} AND published_at <= withdrawn_at`;
  const args = filed.args;
  const recent = db
    .prepare(
      `SELECT id, withdrawn_at, title, withdrawn_reason FROM articles WHERE withdrawn_at > ? AND ${where} ORDER BY withdrawn_at DESC, id DESC LIMIT ?`,
    )
    .raw()
    .all(since, ...args, MAX_TOMBSTONES) as [number, number, string, string | null][];
  const last =
    recent[0]?.[1] ?? (db.prepare(`SELECT max(withdrawn_at) FROM articles WHERE withdrawn_at IS NOT NULL AND ${where}`).pluck().get(...args) as number | null);
  const withdrawals: Withdrawals = {
    recent: recent.map(([id, at, title, reason]) => ({ id, withdrawnAt: new Date(at), title, ...(reason !== null ? { reason } : {}) })),
  };
  if (last !== null) withdrawals.last = new Date(last);
  return withdrawals;
}

function withdrawnFrom(filter: TimelineFilter, within: readonly string[]): { where: string; args: unknown[] } {
  const own = ownWithdrawals(filter);
  if (within.length === 0) return own;
  return { where: `${own.where} AND ${filedUnder(within.length)}`, args: [...own.args, ...within] };
}

function ownWithdrawals(filter: TimelineFilter): { where: string; args: unknown[] } {
  switch (filter.kind) {
    case 'all':
      return { where: '1', args: [] };
    case 'source':
      // Unary plus: through the withdrawals' index (a few rows), not the source's (all its articles).
      return { where: '+source_id = ?', args: [filter.sourceId] };
    case 'category':
      return { where: filedUnder(1), args: [filter.slug] };
    case 'tag':
      // Tags are kept as an object, slug to label.
      return { where: 'EXISTS (SELECT 1 FROM json_each(withdrawn_tags) WHERE key = ?)', args: [filter.slug] };
  }
}

/** One of `count` category slugs is in the JSON array (NULL: none is). */
function filedUnder(count: number): string {
  return `EXISTS (SELECT 1 FROM json_each(withdrawn_categories) WHERE value IN (${Array(count).fill('?').join(',')}))`;
}
