// Which feeds show an article: everything, its source, its categories and
// its tags (for a withdrawn one, those it was filed under: they now carry its
// tombstone). Asked after a change, to tell the WebSub hub which feeds moved
// (publish/push/websub.ts). Feed paths without their format extension.
import type { Db } from '../db/db.js';

export function feedPathsOfArticles(db: Db, ids: readonly number[]): string[] {
  if (ids.length === 0) return [];
  const list = JSON.stringify([...new Set(ids)]);
  const pluck = (sql: string) => db.prepare(sql).pluck().all({ ids: list }) as string[];
  const sources = pluck('SELECT DISTINCT s.slug FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN (SELECT value FROM json_each(@ids))');
  const categories = pluck(
    `SELECT category_slug FROM article_categories WHERE article_id IN (SELECT value FROM json_each(@ids))
     UNION SELECT f.value FROM articles a, json_each(a.withdrawn_categories) f WHERE a.id IN (SELECT value FROM json_each(@ids))`,
  );
  const tags = pluck(
    `SELECT slug FROM article_tags WHERE article_id IN (SELECT value FROM json_each(@ids))
     UNION SELECT f.key FROM articles a, json_each(a.withdrawn_tags) f WHERE a.id IN (SELECT value FROM json_each(@ids))`,
  );
  return [
    '/feeds/all',
    ...sources.map((s) => `/feeds/sources/${s}`),
    ...categories.map((c) => `/feeds/categories/${c}`),
    ...tags.map((t) => `/feeds/tags/${encodeURIComponent(t)}`),
  ];
}

/** Articles first stored at or after `since` (ms): what an admin request just added. */
export function articlesFirstSeenSince(db: Db, since: number): number[] {
  return db.prepare('SELECT id FROM articles WHERE first_seen_at >= ?').pluck().all(since) as number[];
}
