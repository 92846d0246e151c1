// Writes articles. An article is stored once per (source, guid): a re-run adds
// nothing, and a changed article is updated in place, keeping its id and its
// published time.
import type { ArticleDraft } from '../../model.js';
import { contentHash } from '../../ingest/clean/content-hash.js';
import { insertClassification } from './classification.js';
import { type Db, prepared } from '../db/db.js';
import { queueCategoryAndTagKeys } from '../changed-keys.js';

export type SaveOutcome = 'new' | 'updated' | 'unchanged';

export interface Saved {
  outcome: SaveOutcome;
  id: number;
}

interface ExistingRow {
  id: number;
  published_at: number;
  updated_at: number;
  content_hash: string;
  embargo_until: number | null;
}

interface Pending {
  draft: ArticleDraft;
  hash: string;
  existing?: ExistingRow;
}

/** Saves one article; call inside a transaction. */
export function saveArticle(db: Db, sourceId: number, draft: ArticleDraft, now: Date): Saved {
  return saveArticles(db, sourceId, [draft], now)[0]!;
}

/**
 * Saves a document's articles, in its order; call inside a transaction.
 * The new ones go in with as few INSERTs as can be (insertArticles says why).
 * A guid that comes twice is inserted first and then updated by its second
 * entry, as an article stored before would be.
 */
export function saveArticles(db: Db, sourceId: number, drafts: readonly ArticleDraft[], now: Date): Saved[] {
  const pending: Pending[] = drafts.map((draft) => ({
    draft,
    hash: draft.contentHash ?? contentHash(draft),
    existing: findExisting(db, sourceId, draft.guid),
  }));
  const fresh = new Map<string, Pending>();
  for (const p of pending) if (!p.existing && !fresh.has(p.draft.guid)) fresh.set(p.draft.guid, p);
  const ids = insertArticles(db, sourceId, [...fresh.values()]);
  const written = new Set<string>();
  return pending.map((p) => {
    if (fresh.get(p.draft.guid) === p) {
      const id = ids.get(p.draft.guid)!;
      // A new id has nothing hanging off it yet (a deleted article's rows went with it: ON DELETE CASCADE).
      writeLinks(db, id, p.draft.publishedAt.getTime(), p.draft);
      written.add(p.draft.guid);
      return { outcome: 'new', id };
    }
    // Read again when an earlier entry of this document has just written the article.
    const existing = written.has(p.draft.guid) ? findExisting(db, sourceId, p.draft.guid)! : p.existing!;
    written.add(p.draft.guid);
    // The embargo is when, not what: a new time for it is no new version.
    const moved = moveEmbargo(db, existing, p.draft.embargoUntil, now);
    if (existing.content_hash === p.hash) return { outcome: moved ? 'updated' : 'unchanged', id: existing.id };
    updateArticle(db, moved ? findExisting(db, sourceId, p.draft.guid)! : existing, p, now);
    return { outcome: 'updated', id: existing.id };
  });
}

/**
 * The guids and content hashes of a source's newest `limit` articles (by
 * published time, the order of most feeds), for prepare/feed.ts to skip the
 * entries stored as they are.
 */
export function listRecentContentHashes(db: Db, sourceId: number, limit: number): Map<string, string> {
  const rows = prepared(db, 'SELECT guid, content_hash FROM articles WHERE source_id = ? ORDER BY published_at DESC, id DESC LIMIT ?')
    .raw()
    .all(sourceId, limit) as [string, string][];
  return new Map(rows);
}

function findExisting(db: Db, sourceId: number, guid: string): ExistingRow | undefined {
  return prepared(db, 'SELECT id, published_at, updated_at, content_hash, embargo_until FROM articles WHERE source_id = ? AND guid = ?').get(sourceId, guid) as
    | ExistingRow
    | undefined;
}

const COLUMNS = `source_id, guid, url, title, summary, content_html, body_text, author, published_at, updated_at, first_seen_at,
  image_url, image_type, image_caption, image_credit, enclosures, language, rights, upstream_categories, upstream_tags, content_hash, url_fallback, embargo_until`;
const ROW = `(${COLUMNS.split(',').map(() => '?').join(', ')})`;
const MAX_ROWS = 64;

/**
 * Inserts new articles, all of a document's in one statement (up to
 * MAX_ROWS); returns their ids by guid. Each statement that writes articles
 * opens a statement savepoint (its triggers could fail halfway), and FTS5
 * writes out the index entries it holds in memory at every savepoint as a
 * segment of its own, to be merged later: one INSERT per article cost more
 * than the article itself, and rows in powers of two (50 as 32 + 16 + 2) cost
 * 10-20 µs per article more than one statement. A statement is prepared for
 * each row count that comes up (64 of them take about 6 MB).
 */
function insertArticles(db: Db, sourceId: number, articles: readonly Pending[]): Map<string, number> {
  const ids = new Map<string, number>();
  // First seen = when stored, so that ids and first_seen_at grow together
  // even when several sources are refreshed at once (relate relies on it).
  const firstSeen = Date.now();
  for (let at = 0; at < articles.length; ) {
    const rows = Math.min(articles.length - at, MAX_ROWS);
    const values = articles.slice(at, at + rows).flatMap(({ draft, hash }) => [
      sourceId,
      draft.guid,
      ...contentValues(draft),
      draft.publishedAt.getTime(),
      draft.updatedAt.getTime(),
      firstSeen,
      ...mediaValues(draft),
      hash,
      draft.urlFallback ? 1 : 0,
      draft.embargoUntil?.getTime() ?? null,
    ]);
    const statement = prepared(db, `INSERT INTO articles (${COLUMNS}) VALUES ${Array(rows).fill(ROW).join(', ')} RETURNING id, guid`);
    for (const r of statement.all(values) as { id: number; guid: string }[]) ids.set(r.guid, r.id);
    at += rows;
  }
  return ids;
}

/**
 * Moves the embargo of an article still under one to `until` (its
 * published time moves with it, in the lists' copies too), or ends it now
 * when `until` is absent or past: the source no longer holds it back. An
 * article already out is never held back again. True when it moved.
 * The lists' keys are queued here: their rows are updated, not replaced, so
 * no trigger sees them (018_changed_keys.sql).
 */
function moveEmbargo(db: Db, existing: ExistingRow, until: Date | undefined, now: Date): boolean {
  if (existing.embargo_until === null || existing.published_at <= now.getTime()) return false;
  const at = until && until > now ? until.getTime() : now.getTime();
  if (at === existing.published_at) return false;
  prepared(db, 'UPDATE articles SET published_at = @at, updated_at = @at, embargo_until = @at WHERE id = @id').run({ at, id: existing.id });
  prepared(db, 'UPDATE article_categories SET published_at = ? WHERE article_id = ?').run(at, existing.id);
  prepared(db, 'UPDATE article_tags SET published_at = ? WHERE article_id = ?').run(at, existing.id);
  // Ended now: its lists gained it, which no trigger on them sees. Moved to another later time: nothing
  // public moved (and 028's triggers queue nothing for it); the lift will queue its keys then.
  if (at <= now.getTime()) queueCategoryAndTagKeys(db, existing.id);
  return true;
}

function updateArticle(db: Db, existing: ExistingRow, { draft, hash }: Pending, now: Date): void {
  // The upstream's own updated time when it moved on, else the time we saw
  // the change; never before its publication (a change under embargo is no correction).
  const upstreamUpdated = draft.updatedAt.getTime();
  const seen = upstreamUpdated > existing.updated_at ? upstreamUpdated : Math.max(now.getTime(), existing.updated_at);
  const updatedAt = Math.max(seen, existing.published_at);
  prepared(
    db,
    `UPDATE articles SET url = ?, title = ?, summary = ?, content_html = ?, body_text = ?, author = ?, updated_at = ?,
       image_url = ?, image_type = ?, image_caption = ?, image_credit = ?, enclosures = ?, language = ?, rights = ?,
       upstream_categories = ?, upstream_tags = ?, content_hash = ?, url_fallback = ?
     WHERE id = ?`,
  ).run(...contentValues(draft), updatedAt, ...mediaValues(draft), hash, draft.urlFallback ? 1 : 0, existing.id);
  // The article keeps its id and its published time.
  prepared(db, 'DELETE FROM article_categories WHERE article_id = ?').run(existing.id);
  prepared(db, 'DELETE FROM article_tags WHERE article_id = ?').run(existing.id);
  prepared(db, "DELETE FROM related WHERE article_id = ? AND kind = 'explicit'").run(existing.id);
  writeLinks(db, existing.id, existing.published_at, draft);
}

/** url … author, in the order of COLUMNS and of the UPDATE. */
function contentValues(d: ArticleDraft): (string | null)[] {
  return [d.url, d.title, d.summary, d.contentHtml, d.bodyText, d.author ?? null];
}

/** image_url … upstream_tags, in the order of COLUMNS and of the UPDATE. */
function mediaValues(d: ArticleDraft): (string | null)[] {
  const { image } = d;
  return [
    image?.url ?? null,
    image?.type ?? null,
    image?.caption ?? null,
    image?.credit ?? null,
    JSON.stringify(d.enclosures ?? []),
    d.language ?? null,
    d.rights ?? null,
    JSON.stringify(d.upstreamCategories),
    JSON.stringify(d.upstreamTags),
  ];
}

/**
 * Adds an article's categories, tags and explicit related stories (computed
 * and same-story ones are relate's). No content version bump of its own: the
 * article's row was written in the same call, and its trigger moves the version.
 */
function writeLinks(db: Db, id: number, publishedAt: number, draft: ArticleDraft): void {
  insertClassification(db, id, publishedAt, draft);
  const related = prepared(db, 'INSERT INTO related (article_id, position, url, title, kind) VALUES (?, ?, ?, ?, ?)');
  draft.related.forEach((r, i) => related.run(id, i, r.url, r.title ?? null, r.kind));
}

/** The id of a source's article with this guid (for the publisher's Markdown articles, the file's slug). */
export function findArticleIdByGuid(db: Db, sourceId: number, guid: string): number | undefined {
  const id = prepared(db, 'SELECT id FROM articles WHERE source_id = ? AND guid = ?').pluck().get(sourceId, guid);
  return typeof id === 'number' ? id : undefined;
}
