// Reads articles for publishing: a page of one feed, newest first, through
// the time indexes (keyset pagination: a page starts below a key, never at
// an OFFSET), then hydrated with categories, tags and related stories in one
// query each (never a query per item).
import type { Article, Category, Related, RelatedKind } from '../model.js';
import type { Db } from './db.js';

export type FeedFilter =
  | { kind: 'all' }
  | { kind: 'category'; slug: string }
  | { kind: 'source'; sourceId: number }
  | { kind: 'tag'; slug: string }
  /** `match`: an FTS5 expression made by search.ts's matchExpression; `window`: how many of the newest matches are ranked. */
  | { kind: 'search'; match: string; window: number };

/** The feeds read in time order; search is read by rank (store/search.ts). */
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

interface ArticleRow {
  id: number;
  guid: string;
  url: string;
  title: string;
  summary: string;
  content_html: string;
  author: string | null;
  published_at: number;
  updated_at: number;
  image_url: string | null;
  image_type: string | null;
  image_caption: string | null;
  image_credit: string | null;
  language: string | null;
  rights: string | null;
  source_slug: string;
  source_name: string;
  source_site_url: string | null;
  source_url: string | null;
}

const ARTICLE_COLUMNS = `a.id, a.guid, a.url, a.title, a.summary, a.content_html, a.author, a.published_at,
  a.updated_at, a.image_url, a.image_type, a.image_caption, a.image_credit, a.language, a.rights,
  s.slug AS source_slug, s.name AS source_name, s.site_url AS source_site_url, s.url AS source_url`;

/**
 * The page of `limit` items below `before` (the first page without it). On a
 * page after the first, `newer` is where the page above it starts, or
 * undefined when that is the first page.
 */
export function listFeedPage(db: Db, filter: TimelineFilter, limit: number, before?: FeedKey, within: readonly string[] = []): FeedPage {
  const line = timeline(filter);
  const { table, id } = line;
  const where = within.length ? `${line.where} AND ${inCategories(`${table}.${id}`, within)}` : line.where;
  const args = [...line.args, ...within];
  const older = db
    .prepare(
      `SELECT ${id} AS id, published_at FROM ${table}
       WHERE ${where}${before ? ` AND (published_at, ${id}) < (?, ?)` : ''}
       ORDER BY published_at DESC, ${id} DESC LIMIT ?`,
    )
    .all(...args, ...(before ? [before.publishedAt, before.id] : []), limit + 1) as KeyRow[];
  const page: FeedPage = { items: articlesByIds(db, older.slice(0, limit).map((r) => r.id)) };
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

/** Articles by id, in the order of `ids`, hydrated. */
export function articlesByIds(db: Db, ids: number[]): Article[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN (${marks(ids)}) AND a.withdrawn_at IS NULL`)
    .all(...ids) as ArticleRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hydrate(db, ids.map((id) => byId.get(id)).filter((r): r is ArticleRow => !!r));
}

export function getArticle(db: Db, id: number): Article | undefined {
  const row = db
    .prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ? AND a.withdrawn_at IS NULL`)
    .get(id) as ArticleRow | undefined;
  return row ? hydrate(db, [row])[0] : undefined;
}

function hydrate(db: Db, rows: ArticleRow[]): Article[] {
  const ids = rows.map((r) => r.id);
  const categories = groupBy(
    db
      .prepare(
        `SELECT ac.article_id, c.slug, c.label FROM article_categories ac JOIN categories c ON c.slug = ac.category_slug
         WHERE ac.article_id IN (${marks(ids)}) ORDER BY c.label`,
      )
      .all(...ids) as ({ article_id: number } & Category)[],
  );
  const tags = groupBy(
    db.prepare(`SELECT article_id, label FROM article_tags WHERE article_id IN (${marks(ids)}) ORDER BY label`).all(...ids) as {
      article_id: number;
      label: string;
    }[],
  );
  // A related link resolves to the oldest article we hold (and have not withdrawn) at that URL.
  const related = groupBy(
    db
      .prepare(
        `SELECT r.article_id, r.url, r.kind, t.id AS target_id, coalesce(r.title, t.title) AS title
         FROM related r LEFT JOIN articles t ON t.id = (SELECT min(id) FROM articles WHERE url = r.url AND withdrawn_at IS NULL)
         WHERE r.article_id IN (${marks(ids)})
         ORDER BY r.article_id, CASE r.kind WHEN 'same-story' THEN 0 WHEN 'explicit' THEN 1 ELSE 2 END, r.position`,
      )
      .all(...ids) as { article_id: number; url: string; kind: RelatedKind; target_id: number | null; title: string | null }[],
  );
  return rows.map((r) => ({
    id: r.id,
    guid: r.guid,
    url: r.url,
    title: r.title,
    summary: r.summary,
    contentHtml: r.content_html,
    author: r.author ?? undefined,
    publishedAt: new Date(r.published_at),
    updatedAt: new Date(r.updated_at),
    image: r.image_url
      ? {
          url: r.image_url,
          type: r.image_type ?? undefined,
          caption: r.image_caption ?? undefined,
          credit: r.image_credit ?? undefined,
        }
      : undefined,
    categories: (categories.get(r.id) ?? []).map(({ slug, label }) => ({ slug, label })),
    tags: (tags.get(r.id) ?? []).map((t) => t.label),
    // Other versions of the story first, then the article's own links, then
    // computed ones; a story reached in several ways is listed once, first way.
    related: (related.get(r.id) ?? [])
      .filter((x, i, all) => all.findIndex((y) => y.url === x.url) === i)
      .map((x): Related => ({ articleId: x.target_id ?? undefined, url: x.url, title: x.title ?? x.url, kind: x.kind })),
    language: r.language ?? undefined,
    rights: r.rights ?? undefined,
    source: {
      slug: r.source_slug,
      name: r.source_name,
      siteUrl: r.source_site_url ?? undefined,
      feedUrl: r.source_url?.startsWith('http') ? r.source_url : undefined,
    },
  }));
}

function marks(values: unknown[]): string {
  return values.map(() => '?').join(',');
}

function groupBy<T extends { article_id: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) groups.set(row.article_id, [...(groups.get(row.article_id) ?? []), row]);
  return groups;
}
