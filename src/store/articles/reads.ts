// Reads articles whole for publishing: each row with its source, then
// hydrated with categories, tags and related stories in one query each for
// all the rows (never a query per item).
import type { Article, Category, Enclosure } from '../../model.js';
import type { Db } from '../db/db.js';
import { relatedOf } from './related-reads.js';

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
  embargo_until: number | null;
  image_url: string | null;
  image_type: string | null;
  image_caption: string | null;
  image_credit: string | null;
  enclosures: string | null;
  language: string | null;
  rights: string | null;
  source_slug: string;
  source_name: string;
  source_site_url: string | null;
}

const ARTICLE_COLUMNS = `a.id, a.guid, a.url, a.title, a.summary, a.content_html, a.author, a.published_at,
  a.updated_at, a.embargo_until, a.image_url, a.image_type, a.image_caption, a.image_credit, a.enclosures, a.language, a.rights,
  s.slug AS source_slug, s.name AS source_name, s.site_url AS source_site_url`;

/** `asOf` that takes in every embargoed article, however far ahead its time. */
export const WITH_EMBARGOED = Number.MAX_SAFE_INTEGER;

/**
 * Articles by id, in the order of `ids`, hydrated. `asOf` (ms): only those
 * published by then, related stories included; an embargoed article is
 * published at its embargo time (023_embargoes.sql). The default is now,
 * what the public sees; WITH_EMBARGOED for the admin and permitted partners.
 */
export function articlesByIds(db: Db, ids: number[], asOf = Date.now()): Article[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
       WHERE a.id IN (${marks(ids)}) AND a.withdrawn_at IS NULL AND a.published_at <= ?`,
    )
    .all(...ids, asOf) as ArticleRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hydrate(db, ids.map((id) => byId.get(id)).filter((r): r is ArticleRow => !!r), asOf);
}

/** One article, hydrated, if it is published by `asOf` (see articlesByIds). */
export function getArticle(db: Db, id: number, asOf = Date.now()): Article | undefined {
  const row = db
    .prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ? AND a.withdrawn_at IS NULL AND a.published_at <= ?`)
    .get(id, asOf) as ArticleRow | undefined;
  return row ? hydrate(db, [row], asOf)[0] : undefined;
}

function hydrate(db: Db, rows: ArticleRow[], asOf: number): Article[] {
  const now = Date.now();
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
  const related = relatedOf(db, ids, asOf);
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
    // Still under embargo (only readers allowed to see it early get it).
    ...(r.embargo_until !== null && r.embargo_until > now ? { embargoUntil: new Date(r.embargo_until) } : {}),
    image: r.image_url
      ? {
          url: r.image_url,
          type: r.image_type ?? undefined,
          caption: r.image_caption ?? undefined,
          credit: r.image_credit ?? undefined,
        }
      : undefined,
    enclosures: storedEnclosures(r.enclosures),
    categories: (categories.get(r.id) ?? []).map(({ slug, label }) => ({ slug, label })),
    tags: (tags.get(r.id) ?? []).map((t) => t.label),
    related: related.get(r.id) ?? [],
    language: r.language ?? undefined,
    rights: r.rights ?? undefined,
    source: {
      slug: r.source_slug,
      name: r.source_name,
      siteUrl: r.source_site_url ?? undefined,
    },
  }));
}

/**
 * The enclosures column as written by articles.ts. A value that is not
 * that (a hand edit) is read as no enclosures rather than failing the read;
 * publish/renderable.ts then checks each URL as it does every other.
 */
function storedEnclosures(json: string | null): Enclosure[] {
  if (!json || json === '[]') return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is Enclosure =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.url === 'string' &&
      typeof e.type === 'string' &&
      (e.length === undefined || Number.isSafeInteger(e.length)) &&
      (e.title === undefined || typeof e.title === 'string') &&
      (e.durationSeconds === undefined || Number.isFinite(e.durationSeconds)),
  );
}

function marks(values: unknown[]): string {
  return values.map(() => '?').join(',');
}

function groupBy<T extends { article_id: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) groups.set(row.article_id, [...(groups.get(row.article_id) ?? []), row]);
  return groups;
}
