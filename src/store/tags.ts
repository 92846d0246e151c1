// Tags: the free-form labels articles carry besides the taxonomy, kept per
// article in article_tags as (slug, label). A tag exists while an article has it.
import type { Db } from './db/db.js';

export interface Tag {
  slug: string;
  /** As the newest article with the tag writes it (labels of one slug differ only in case or accents). */
  label: string;
  articleCount: number;
}

// SQLite returns the bare `label` column from the row that max() picked.
const TAG_COLUMNS = 'slug, label, max(published_at) AS newest, count(*) AS articleCount';

export function listTags(db: Db): Tag[] {
  const rows = db.prepare(`SELECT ${TAG_COLUMNS} FROM article_tags GROUP BY slug ORDER BY label COLLATE NOCASE, slug`).all() as (Tag & { newest: number })[];
  return rows.map(({ slug, label, articleCount }) => ({ slug, label, articleCount }));
}

export function findTag(db: Db, slug: string): Tag | undefined {
  const row = db.prepare(`SELECT ${TAG_COLUMNS} FROM article_tags WHERE slug = ? GROUP BY slug`).get(slug) as
    | (Tag & { newest: number })
    | undefined;
  return row && { slug: row.slug, label: row.label, articleCount: row.articleCount };
}
