// Writes articles. An article is stored once per (source, guid): a re-run adds
// nothing, and a changed article is updated in place, keeping its id and its
// published time.
import { createHash } from 'node:crypto';
import type { ArticleDraft } from '../model.js';
import { slugify } from '../ingest/classify.js';
import type { Db } from './db.js';

export type SaveOutcome = 'new' | 'updated' | 'unchanged';

interface ExistingRow {
  id: number;
  published_at: number;
  updated_at: number;
  content_hash: string;
}

/** Saves one article; call inside a transaction. */
export function saveArticle(db: Db, sourceId: number, draft: ArticleDraft, now: Date): SaveOutcome {
  const hash = contentHash(draft);
  const existing = db
    .prepare('SELECT id, published_at, updated_at, content_hash FROM articles WHERE source_id = ? AND guid = ?')
    .get(sourceId, draft.guid) as ExistingRow | undefined;
  if (existing?.content_hash === hash) return 'unchanged';

  const row = {
    sourceId,
    guid: draft.guid,
    url: draft.url,
    title: draft.title,
    summary: draft.summary,
    contentHtml: draft.contentHtml,
    author: draft.author ?? null,
    imageUrl: draft.image?.url ?? null,
    imageType: draft.image?.type ?? null,
    imageCaption: draft.image?.caption ?? null,
    imageCredit: draft.image?.credit ?? null,
    language: draft.language ?? null,
    rights: draft.rights ?? null,
    upstreamCategories: JSON.stringify(draft.upstreamCategories),
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
    db.prepare(
      `UPDATE articles SET url = @url, title = @title, summary = @summary, content_html = @contentHtml,
         author = @author, updated_at = @updatedAt, image_url = @imageUrl, image_type = @imageType,
         image_caption = @imageCaption, image_credit = @imageCredit, language = @language, rights = @rights,
         upstream_categories = @upstreamCategories, content_hash = @hash
       WHERE id = @id`,
    ).run({ ...row, id, updatedAt });
  } else {
    publishedAt = draft.publishedAt.getTime();
    id = Number(
      db
        .prepare(
          `INSERT INTO articles (source_id, guid, url, title, summary, content_html, author, published_at,
             updated_at, first_seen_at, image_url, image_type, image_caption, image_credit, language, rights,
             upstream_categories, content_hash)
           VALUES (@sourceId, @guid, @url, @title, @summary, @contentHtml, @author, @publishedAt, @updatedAt,
             @firstSeen, @imageUrl, @imageType, @imageCaption, @imageCredit, @language, @rights,
             @upstreamCategories, @hash)`,
        )
        .run({ ...row, publishedAt, updatedAt: draft.updatedAt.getTime(), firstSeen: now.getTime() }).lastInsertRowid,
    );
  }
  replaceLinks(db, id, publishedAt, draft);
  return existing ? 'updated' : 'new';
}

function replaceLinks(db: Db, id: number, publishedAt: number, draft: ArticleDraft): void {
  db.prepare('DELETE FROM article_categories WHERE article_id = ?').run(id);
  db.prepare('DELETE FROM article_tags WHERE article_id = ?').run(id);
  db.prepare('DELETE FROM related WHERE article_id = ?').run(id);
  const category = db.prepare('INSERT INTO article_categories (article_id, category_slug, published_at) VALUES (?, ?, ?)');
  draft.categories.forEach((slug) => category.run(id, slug, publishedAt));
  const tag = db.prepare('INSERT OR IGNORE INTO article_tags (article_id, slug, label, published_at) VALUES (?, ?, ?, ?)');
  draft.tags.forEach((label) => tag.run(id, slugify(label), label, publishedAt));
  const related = db.prepare('INSERT INTO related (article_id, position, url, title, kind) VALUES (?, ?, ?, ?, ?)');
  draft.related.forEach((r, i) => related.run(id, i, r.url, r.title ?? null, r.kind));
}

/** What makes two versions of an article different for a reader; dates we invent are left out. */
function contentHash(draft: ArticleDraft): string {
  const { url, title, summary, contentHtml, author, image, categories, tags, related, rights, language } = draft;
  return createHash('sha256')
    .update(JSON.stringify([url, title, summary, contentHtml, author, image, categories, tags, related, rights, language]))
    .digest('hex');
}

/** The id of a source's article with this guid (for the publisher's Markdown articles, the file's slug). */
export function findArticleIdByGuid(db: Db, sourceId: number, guid: string): number | undefined {
  const id = db.prepare('SELECT id FROM articles WHERE source_id = ? AND guid = ?').pluck().get(sourceId, guid);
  return typeof id === 'number' ? id : undefined;
}
