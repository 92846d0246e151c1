// An article's classification, as stored: its categories (by slug) and its
// tags, kept with the article's published time so that category and tag
// feeds read in time order; and what classifying it started from, for
// `wirefeed reclassify`.
import { slugify } from '../../ingest/classify/classify.js';
import { bumpContentVersion } from '../content-version.js';
import { type Db, prepared } from '../db/db.js';

/** Replaces an article's categories and tags; call inside a transaction. */
export function replaceClassification(db: Db, id: number, publishedAt: number, c: { categories: string[]; tags: string[] }): void {
  prepared(db, 'DELETE FROM article_categories WHERE article_id = ?').run(id);
  prepared(db, 'DELETE FROM article_tags WHERE article_id = ?').run(id);
  insertClassification(db, id, publishedAt, c);
  bumpContentVersion(db);
}

/** Adds an article's categories and tags; call inside a transaction. */
export function insertClassification(db: Db, id: number, publishedAt: number, c: { categories: string[]; tags: string[] }): void {
  const category = prepared(db, 'INSERT INTO article_categories (article_id, category_slug, published_at) VALUES (?, ?, ?)');
  c.categories.forEach((slug) => category.run(id, slug, publishedAt));
  const tag = prepared(db, 'INSERT OR IGNORE INTO article_tags (article_id, slug, label, published_at) VALUES (?, ?, ?, ?)');
  c.tags.forEach((label) => tag.run(id, slugify(label), label, publishedAt));
}

export interface ClassificationRow {
  id: number;
  title: string;
  summary: string;
  publishedAt: number;
  upstreamCategories: string[];
  upstreamTags: string[];
  sourceCategories: string[];
  categories: string[];
  tags: string[];
}

/**
 * A batch of articles with what classification starts from and what it gave,
 * in id order after `afterId`. Withdrawn articles are left out: filed again,
 * they would count in tag listings and hold places on category pages.
 */
export function listClassificationRows(db: Db, afterId: number, limit: number): ClassificationRow[] {
  const rows = prepared(
    db,
    `SELECT a.id, a.title, a.summary, a.published_at, a.upstream_categories, a.upstream_tags, s.categories AS source_categories,
       (SELECT json_group_array(category_slug) FROM article_categories WHERE article_id = a.id) AS categories,
       (SELECT json_group_array(label) FROM article_tags WHERE article_id = a.id) AS tags
     FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id > ? AND a.withdrawn_at IS NULL ORDER BY a.id LIMIT ?`,
  )
    .all(afterId, limit) as Record<string, string | number>[];
  return rows.map((r) => ({
    id: r.id as number,
    title: r.title as string,
    summary: r.summary as string,
    publishedAt: r.published_at as number,
    upstreamCategories: JSON.parse(r.upstream_categories as string) as string[],
    upstreamTags: JSON.parse(r.upstream_tags as string) as string[],
    sourceCategories: JSON.parse(r.source_categories as string) as string[],
    categories: JSON.parse(r.categories as string) as string[],
    tags: JSON.parse(r.tags as string) as string[],
  }));
}
