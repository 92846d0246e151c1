// Reads and writes for computed related stories and same-story clusters.
// Candidates are found in relate's in-memory index (ingest/relate/index.ts),
// restricted to a window of recent articles, so that relating one article
// costs the same whatever the size of the archive; the rows here feed it.
import { bumpContentVersion } from '../content-version.js';
import { queueChangedKey } from '../changed-keys.js';
import { type Db, prepared } from '../db/db.js';
import { type Evidence, evidenceText, storedEvidence } from './evidence.js';

/**
 * How related lists name an article with no URL of its own (url_fallback:
 * its url is its feed's page, which its neighbours share): by its id, in a
 * form that is no http(s) URL, so that it is never taken for another
 * article or for a page of ours. reads.ts turns it back into the article.
 */
export const ARTICLE_REF = 'wirefeed:article:';

/** An article's identity for relate: its own URL, else ARTICLE_REF and its id. */
const IDENTITY = `CASE WHEN a.url_fallback THEN '${ARTICLE_REF}' || a.id ELSE a.url END`;

/** What relate reads of any article it compares. */
interface RelateText {
  id: number;
  /** The article's identity (IDENTITY): its URL when it has one of its own. */
  url: string;
  title: string;
  summary: string;
  publishedAt: number;
  sourceId: number;
}

export interface RelateSubject extends RelateText {
  storyId: number | null;
}

const SUBJECT_COLUMNS = `a.id, ${IDENTITY} AS url, a.title, a.summary, a.published_at AS publishedAt, a.source_id AS sourceId, a.story_id AS storyId`;

export function findRelateSubject(db: Db, id: number): RelateSubject | undefined {
  return prepared(db, `SELECT ${SUBJECT_COLUMNS} FROM articles a WHERE a.id = ?`).get(id) as RelateSubject | undefined;
}

/** Of `ids`, those whose articles are still published. */
export function listLiveIds(db: Db, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const sql = 'SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?)) AND withdrawn_at IS NULL';
  return new Set(prepared(db, sql).pluck().all(JSON.stringify(ids)) as number[]);
}

/** The articles that point at `storyId` as their story's first article (the first itself not included). */
export function listStoryIds(db: Db, storyId: number): Set<number> {
  return new Set(prepared(db, 'SELECT id FROM articles WHERE story_id = ?').pluck().all(storyId) as number[]);
}

/** The story an article belongs to: the id of its first article, its own id when it stands alone or is first. */
export function findStoryOf(db: Db, id: number): number {
  const storyId = prepared(db, 'SELECT story_id FROM articles WHERE id = ?').pluck().get(id) as number | null | undefined;
  return storyId ?? id;
}

/** What relate's in-memory index holds of an article. */
export interface IndexRow extends RelateText {
  /** The start of its sanitised HTML: relate reads the lead and what follows (ingest/relate/signals/body-text.ts). */
  contentHtml: string;
  /** What changes when its content does (articles.content_hash). */
  contentHash: string;
}

/** The published articles with ids in [from, to], ascending. */
export function listIndexRows(db: Db, from: number, to: number): IndexRow[] {
  return prepared(
    db,
    `SELECT a.id, ${IDENTITY} AS url, a.title, a.summary, a.published_at AS publishedAt, a.source_id AS sourceId,
       substr(a.content_html, 1, 12000) AS contentHtml, a.content_hash AS contentHash
     FROM articles a WHERE a.id BETWEEN ? AND ? AND a.withdrawn_at IS NULL ORDER BY a.id`,
  ).all(from, to) as IndexRow[];
}

/** Every article with id ≥ from: its content hash and whether it is withdrawn, to tell which an index holds stale. */
export function listIndexHashes(db: Db, from: number): { id: number; contentHash: string; withdrawn: number }[] {
  return prepared(db, 'SELECT id, content_hash AS contentHash, withdrawn_at IS NOT NULL AS withdrawn FROM articles WHERE id >= ?').all(from) as {
    id: number;
    contentHash: string;
    withdrawn: number;
  }[];
}

/** The newest article (or the one of `id`) as the index remembers it, to notice when it is gone. */
export function findIndexAnchor(db: Db, id?: number): { id: number; firstSeenAt: number; url: string } | undefined {
  const sql =
    id === undefined
      ? 'SELECT id, first_seen_at AS firstSeenAt, url FROM articles ORDER BY id DESC LIMIT 1'
      : 'SELECT id, first_seen_at AS firstSeenAt, url FROM articles WHERE id = ?';
  return prepared(db, sql).get(...(id === undefined ? [] : [id])) as { id: number; firstSeenAt: number; url: string } | undefined;
}

export interface Window {
  /** Publication times, inclusive. */
  from: number;
  to: number;
  /** The first article id that can be in the window. */
  minId: number;
}

/**
 * The window [from, to] with the id it starts at: an article published
 * since `from` was stored since then too, and ids grow with the time of
 * storing (an hour of slack covers writers in other processes).
 */
export function windowFrom(db: Db, from: number, to: number, subjectId: number): Window {
  const minId = prepared(db, 'SELECT id FROM articles WHERE first_seen_at >= ? ORDER BY first_seen_at LIMIT 1')
    .pluck()
    .get(from - 3_600_000) as number | undefined;
  // However busy the window, only the most recent articles are compared: the
  // cost of relating one article has a ceiling, whatever the archive's size.
  return { from, to, minId: Math.max(minId ?? subjectId, subjectId - MAX_WINDOW_ARTICLES) };
}

const MAX_WINDOW_ARTICLES = 5_000;

export interface RelatedLink {
  url: string;
  title: string;
  score: number;
  /** What relate saw in common, a JSON object (store/articles/evidence.ts); absent for none. */
  evidence?: Evidence;
}

/** The kinds relate writes; 'explicit' links are the article's own, written with it. */
export type ComputedKind = 'computed' | 'same-story' | 'follow-up';

/**
 * Replaces an article's related stories of one kind, writing only the
 * positions that change (evidence included); `stored` is what the caller has
 * just read with listRelatedOfKind, to save reading it again.
 */
export function replaceRelated(
  db: Db,
  articleId: number,
  kind: ComputedKind,
  links: readonly RelatedLink[],
  stored = listRelatedOfKind(db, articleId, kind),
): void {
  const upsert = prepared(
    db,
    `INSERT INTO related (article_id, kind, position, url, title, score, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (article_id, kind, position) DO UPDATE SET url = excluded.url, title = excluded.title, score = excluded.score,
       evidence = excluded.evidence`,
  );
  let changed = false;
  links.forEach((l, i) => {
    const s = stored[i];
    const evidence = evidenceText(l.evidence);
    if (s && s.url === l.url && s.title === l.title && s.score === l.score && evidenceText(s.evidence) === evidence) return;
    upsert.run(articleId, kind, i, l.url, l.title, l.score, evidence);
    changed = true;
  });
  if (stored.length > links.length) {
    prepared(db, 'DELETE FROM related WHERE article_id = ? AND kind = ? AND position >= ?').run(articleId, kind, links.length);
    changed = true;
  }
  if (!changed) return;
  bumpContentVersion(db);
  queueChangedKey(db, `article/${articleId}`);
}

/** An article's related stories of one kind, in order; evidence that is not a JSON object reads as none. */
export function listRelatedOfKind(db: Db, articleId: number, kind: ComputedKind): RelatedLink[] {
  const rows = prepared(db, 'SELECT url, title, score, evidence FROM related WHERE article_id = ? AND kind = ? ORDER BY position').all(
    articleId,
    kind,
  ) as (Omit<RelatedLink, 'evidence'> & { evidence: string | null })[];
  return rows.map(({ evidence, ...link }) => {
    const parsed = storedEvidence(evidence);
    return parsed === undefined ? link : { ...link, evidence: parsed };
  });
}

/** The members of a story: its first article and those that joined it. */
export function listStoryMembers(db: Db, storyId: number): RelateSubject[] {
  return prepared(db, `SELECT ${SUBJECT_COLUMNS} FROM articles a WHERE a.id = ? OR a.story_id = ? ORDER BY a.published_at, a.id`)
    .all(storyId, storyId) as RelateSubject[];
}

/** Makes the first member the story's face (story_id NULL) and the others point at it; one member stands alone. */
export function setStory(db: Db, members: readonly { id: number }[]): void {
  const [first, ...rest] = members;
  if (!first) return;
  const update = prepared(db, 'UPDATE articles SET story_id = ? WHERE id = ? AND story_id IS NOT ?');
  update.run(null, first.id, null);
  for (const m of rest) update.run(first.id, m.id, first.id);
}
