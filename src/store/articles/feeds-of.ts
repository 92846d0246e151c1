// Which feeds show an article: everything, its source, its categories and
// its tags (for a withdrawn one, those it was filed under: they now carry its
// tombstone); and which feeds the keys of a change name (store/changed-keys.ts).
// Asked after a change, to tell the WebSub hub which feeds moved
// (publish/push/changes.ts, publish/push/websub.ts). Feed paths without their
// format extension.
import { type Db, prepared } from '../db/db.js';

/** The feeds a change's keys (`all`, `article/12`, `source/3`, `category/x`, `tag/x`, slugs raw) name. */
export function feedPathsOfKeys(db: Db, keys: readonly string[]): string[] {
  const paths = new Set<string>();
  const articles: number[] = [];
  const sourceSlug = prepared(db, 'SELECT slug FROM sources WHERE id = ?').pluck();
  for (const key of keys) {
    const slash = key.indexOf('/');
    const [kind, name] = slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
    if (kind === 'all') paths.add('/feeds/all');
    else if (kind === 'article') articles.push(Number(name));
    else if (kind === 'category') paths.add(`/feeds/categories/${name}`);
    else if (kind === 'tag') paths.add(`/feeds/tags/${encodeURIComponent(name)}`);
    else if (kind === 'source') {
      const slug = sourceSlug.get(Number(name)) as string | undefined;
      if (slug) paths.add(`/feeds/sources/${slug}`);
    }
  }
  // Chunks keep each json_each list short, however many articles one pass names.
  for (let i = 0; i < articles.length; i += 500) feedPathsOfArticles(db, articles.slice(i, i + 500)).forEach((p) => paths.add(p));
  return [...paths];
}

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
