// Reads an article's earlier versions, which the trigger of migration 024
// keeps whenever a published article's title, summary or body changes
// (whoever writes it). Two questions: which items of a feed page were
// corrected lately, and what by (partners' correction notices, without
// reading any body); and an article's whole kept history (the versions
// routes and `wirefeed articles versions`). Nothing here writes.
import type { Db } from '../db/db.js';

/** What a correction can change, in the order the trigger writes them. */
export type ChangedField = 'title' | 'summary' | 'body';

/** The latest correction of an article: the version it made, when, what it changed, and the text it replaced (not the body). */
export interface Correction {
  /** The version the correction made (2 for the first correction). */
  version: number;
  at: Date;
  changed: ChangedField[];
  previousTitle: string;
  previousSummary: string;
}

/** One earlier version of an article, with its body (the trigger stores a body only when it changed; read here whole). */
export interface ArticleVersion {
  version: number;
  title: string;
  summary: string;
  contentHtml: string;
  /** When it became current: the correction before it, or the publication. */
  createdAt: Date;
  /** When the next correction replaced it, and what that correction changed. */
  replacedAt: Date;
  changed: ChangedField[];
}

export interface ArticleHistory {
  /** The current version's number: 1 for an article never corrected. */
  version: number;
  /** The earlier versions kept (the last ten), newest first. */
  previous: ArticleVersion[];
}

interface CorrectionRow {
  article_id: number;
  version: number;
  replaced_at: number;
  changed: string;
  title: string;
  summary: string;
}

/**
 * The latest correction of each of these articles, when it was made at or
 * after `since` (ms). One query for a page's items: per article, the
 * primary key's last row (SQLite gives a bare column the values of the row
 * max() picked).
 */
export function listRecentCorrections(db: Db, ids: readonly number[], since: number): Map<number, Correction> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT article_id, max(version) AS version, replaced_at, changed, title, summary FROM article_versions
       WHERE article_id IN (${ids.map(() => '?').join(',')}) GROUP BY article_id`,
    )
    .all(...ids) as CorrectionRow[];
  const corrections = new Map<number, Correction>();
  for (const r of rows) {
    if (r.replaced_at < since) continue;
    corrections.set(r.article_id, {
      version: r.version + 1,
      at: new Date(r.replaced_at),
      changed: changedFields(r.changed),
      previousTitle: r.title,
      previousSummary: r.summary,
    });
  }
  return corrections;
}

interface VersionRow {
  version: number;
  title: string;
  summary: string;
  content_html: string | null;
  created_at: number;
  replaced_at: number;
  changed: string;
}

/** A published article's kept history; undefined when there is no such article or it was withdrawn. */
export function getArticleHistory(db: Db, id: number): ArticleHistory | undefined {
  const current = db.prepare('SELECT content_html FROM articles WHERE id = ? AND withdrawn_at IS NULL').pluck().get(id) as string | undefined;
  if (current === undefined) return undefined;
  const rows = db
    .prepare('SELECT version, title, summary, content_html, created_at, replaced_at, changed FROM article_versions WHERE article_id = ? ORDER BY version DESC')
    .all(id) as VersionRow[];
  // A NULL body is the next version's: walk from the current one down.
  let body = current;
  const previous = rows.map((r): ArticleVersion => {
    body = r.content_html ?? body;
    return {
      version: r.version,
      title: r.title,
      summary: r.summary,
      contentHtml: body,
      createdAt: new Date(r.created_at),
      replacedAt: new Date(r.replaced_at),
      changed: changedFields(r.changed),
    };
  });
  return { version: (rows[0]?.version ?? 0) + 1, previous };
}

const FIELDS: readonly ChangedField[] = ['title', 'summary', 'body'];

/** The trigger's space-separated list, as known names (in the trigger's order). */
function changedFields(text: string): ChangedField[] {
  const words = new Set(text.split(' '));
  return FIELDS.filter((f) => words.has(f));
}
