// Tags: the free-form labels articles carry besides the taxonomy, kept per
// article in article_tags as (slug, label). A tag exists while an article has
// it, and its feed answers a while longer when the last one was withdrawn.
import type { Db } from './db/db.js';

export interface Tag {
  slug: string;
  /** As the newest article with the tag writes it (labels of one slug differ only in case or accents). */
  label: string;
  articleCount: number;
}

// SQLite returns the bare `label` column from the row that max() picked.
const TAG_COLUMNS = 'slug, label, max(published_at) AS newest, count(*) AS articleCount';

/** `asOf`: counting only articles published by then; a tag that only an article under embargo has does not exist yet. */
export function listTags(db: Db, asOf = Date.now()): Tag[] {
  const rows = db
    .prepare(`SELECT ${TAG_COLUMNS} FROM article_tags WHERE published_at <= ? GROUP BY slug ORDER BY label COLLATE NOCASE, slug`)
    .all(asOf) as (Tag & { newest: number })[];
  return rows.map(({ slug, label, articleCount }) => ({ slug, label, articleCount }));
}

export function findTag(db: Db, slug: string, asOf = Date.now()): Tag | undefined {
  const row = db.prepare(`SELECT ${TAG_COLUMNS} FROM article_tags WHERE slug = ? AND published_at <= ? GROUP BY slug`).get(slug, asOf) as
    | (Tag & { newest: number })
    | undefined;
  return row && { slug: row.slug, label: row.label, articleCount: row.articleCount };
}

/**
 * A tag none of whose articles is left, but one of which was withdrawn
 * after `since`: its feed still answers, to carry the tombstone (RFC 6721).
 */
export function findWithdrawnTag(db: Db, slug: string, since: number, heldToo = false): Tag | undefined {
  // As the tombstones (store/articles/feeds.ts): one withdrawn while under embargo counts only for those who got it early.
  const label = db
    .prepare(
      `SELECT t.value FROM articles a, json_each(a.withdrawn_tags) t
       WHERE a.withdrawn_at > ? AND t.key = ?${heldToo ? '' : ' AND a.published_at <= a.withdrawn_at'} ORDER BY a.withdrawn_at DESC LIMIT 1`,
    )
    .pluck()
    .get(since, slug) as string | undefined;
  return label === undefined ? undefined : { slug, label, articleCount: 0 };
}
