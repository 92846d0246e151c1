// Writes articles. An article is stored once per (source, guid): a re-run adds
// nothing, and a changed article is updated in place, keeping its id and its
// published time.
import { createHash } from 'node:crypto';
import type { ArticleDraft } from '../model.js';
import { slugify } from '../ingest/classify.js';
import { bumpContentVersion } from './content-version.js';
import { type Db, prepared } from './db.js';

export type SaveOutcome = 'new' | 'updated' | 'unchanged';

interface ExistingRow {
  id: number;
  published_at: number;
  updated_at: number;
  content_hash: string;
}

/** Saves one article; call inside a transaction. */
export function saveArticle(db: Db, sourceId: number, draft: ArticleDraft, now: Date): { outcome: SaveOutcome; id: number } {
  const hash = contentHash(draft);
  const existing = prepared(db, 'SELECT id, published_at, updated_at, content_hash FROM articles WHERE source_id = ? AND guid = ?')
    .get(sourceId, draft.guid) as ExistingRow | undefined;
  if (existing && existing.content_hash === hash) return { outcome: 'unchanged', id: existing.id };

  const row = {
    sourceId,
    guid: draft.guid,
    url: draft.url,
    title: draft.title,
    summary: draft.summary,
    contentHtml: draft.contentHtml,
    bodyText: draft.bodyText,
    author: draft.author ?? null,
    imageUrl: draft.image?.url ?? null,
    imageType: draft.image?.type ?? null,
    imageCaption: draft.image?.caption ?? null,
    imageCredit: draft.image?.credit ?? null,
    language: draft.language ?? null,
    rights: draft.rights ?? null,
    upstreamCategories: JSON.stringify(draft.upstreamCategories),
    upstreamTags: JSON.stringify(draft.upstreamTags),
    hash,
  };
  let id: number;
  let publishedAt: number;
  if (existing) {
    id = existing.id;
    publishedAt = existing.published_at;
    // The upstream's own updated time when it moved on, else the time we saw the change.
    const upstreamUpdated = draft.updatedAt.getTime();
    const updatedAt = upstreamUpdated > existing.updated_at ? upstreamUpdated : Math.max(now.getTime(), existing.updated_at);
    prepared(db, 
      `UPDATE articles SET url = @url, title = @title, summary = @summary, content_html = @contentHtml,
         body_text = @bodyText, author = @author, updated_at = @updatedAt, image_url = @imageUrl, image_type = @imageType,
         image_caption = @imageCaption, image_credit = @imageCredit, language = @language, rights = @rights,
         upstream_categories = @upstreamCategories, upstream_tags = @upstreamTags, content_hash = @hash
       WHERE id = @id`,
    ).run({ ...row, id, updatedAt });
  } else {
    publishedAt = draft.publishedAt.getTime();
    id = Number(
      prepared(db, 
          `INSERT INTO articles (source_id, guid, url, title, summary, content_html, body_text, author, published_at,
             updated_at, first_seen_at, image_url, image_type, image_caption, image_credit, language, rights,
             upstream_categories, upstream_tags, content_hash)
           VALUES (@sourceId, @guid, @url, @title, @summary, @contentHtml, @bodyText, @author, @publishedAt, @updatedAt,
             @firstSeen, @imageUrl, @imageType, @imageCaption, @imageCredit, @language, @rights,
             @upstreamCategories, @upstreamTags, @hash)`,
        )
        // First seen = when stored, so that ids and first_seen_at grow together
        // even when several sources are refreshed at once (relate relies on it).
        .run({ ...row, publishedAt, updatedAt: draft.updatedAt.getTime(), firstSeen: Date.now() }).lastInsertRowid,
    );
  }
  replaceLinks(db, id, publishedAt, draft);
  return { outcome: existing ? 'updated' : 'new', id };
}

/** No content version bump of its own: the article's row was written in the same call, and its trigger moves the version. */
function replaceLinks(db: Db, id: number, publishedAt: number, draft: ArticleDraft): void {
  writeClassification(db, id, publishedAt, draft);
  // Computed and same-story links are relate's; only the article's own change here.
  prepared(db, "DELETE FROM related WHERE article_id = ? AND kind = 'explicit'").run(id);
  const related = prepared(db, 'INSERT INTO related (article_id, position, url, title, kind) VALUES (?, ?, ?, ?, ?)');
  draft.related.forEach((r, i) => related.run(id, i, r.url, r.title ?? null, r.kind));
}

/**
 * What makes two versions of an article different upstream; dates we invent
 * are left out, and so is our own classification (its inputs count instead),
 * so that a taxonomy change alone never makes an article look updated.
 */
function contentHash(draft: ArticleDraft): string {
  const { url, title, summary, contentHtml, author, image, upstreamCategories, upstreamTags, related, rights, language } = draft;
  return createHash('sha256')
    .update(JSON.stringify([url, title, summary, contentHtml, author, image, upstreamCategories, upstreamTags, related, rights, language]))
    .digest('hex');
}

/** The id of a source's article with this guid (for the publisher's Markdown articles, the file's slug). */
export function findArticleIdByGuid(db: Db, sourceId: number, guid: string): number | undefined {
  const id = prepared(db, 'SELECT id FROM articles WHERE source_id = ? AND guid = ?').pluck().get(sourceId, guid);
  return typeof id === 'number' ? id : undefined;
}

/** Replaces an article's categories and tags; call inside a transaction. */
export function replaceClassification(db: Db, id: number, publishedAt: number, c: { categories: string[]; tags: string[] }): void {
  writeClassification(db, id, publishedAt, c);
  bumpContentVersion(db);
}

function writeClassification(db: Db, id: number, publishedAt: number, c: { categories: string[]; tags: string[] }): void {
  prepared(db, 'DELETE FROM article_categories WHERE article_id = ?').run(id);
  prepared(db, 'DELETE FROM article_tags WHERE article_id = ?').run(id);
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

/** A batch of articles with what classification starts from and what it gave, in id order after `afterId`. */
export function listClassificationRows(db: Db, afterId: number, limit: number): ClassificationRow[] {
  const rows = prepared(db, 
      `SELECT a.id, a.title, a.summary, a.published_at, a.upstream_categories, a.upstream_tags, s.categories AS source_categories,
         (SELECT json_group_array(category_slug) FROM article_categories WHERE article_id = a.id) AS categories,
         (SELECT json_group_array(label) FROM article_tags WHERE article_id = a.id) AS tags
       FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id > ? ORDER BY a.id LIMIT ?`,
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
