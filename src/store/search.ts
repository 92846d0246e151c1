// Full-text search (SQLite FTS5, table article_search from 003_search.sql):
// the best matches first by bm25, a title match counting most, then the
// summary, then the body. User input is never FTS5 syntax: each word is
// quoted as a term of its own, and all of them must match.
import type { Article } from '../model.js';
import type { Db } from './db.js';
import { articlesByIds, inCategories, storyFace } from './feeds.js';

/** bm25 weights of the columns title, summary, content_html. */
const WEIGHTS = [10, 4, 1] as const;

/** A query FTS5 refused; the message says why. */
export class SearchError extends Error {
  override name = 'SearchError';
}

/**
 * The FTS5 expression for a user's query: its words (runs without spaces
 * that hold a letter or digit), each a quoted string, so that operators,
 * column filters, `*` and `"` are only text. Undefined when there is no word.
 */
export function matchExpression(query: string): string | undefined {
  const words = query.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

/** Page `page` (from 1) of the matches of a match expression; `more` when a later page has some. */
export function searchArticles(
  db: Db,
  expression: string,
  limit: number,
  page: number,
  within: readonly string[] = [],
): { items: Article[]; more: boolean } {
  const restrict = within.length ? ` AND ${inCategories('article_search.rowid', within)}` : '';
  let ids: number[];
  try {
    ids = db
      .prepare(
        `SELECT rowid FROM article_search WHERE article_search MATCH ? AND ${storyFace('article_search.rowid')}
           AND NOT EXISTS (SELECT 1 FROM articles gone WHERE gone.id = article_search.rowid AND gone.withdrawn_at IS NOT NULL)${restrict}
         ORDER BY bm25(article_search, ${WEIGHTS.join(', ')}), rowid DESC LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(expression, ...within, limit + 1, (page - 1) * limit) as number[];
  } catch (err) {
    // FTS5 reports a query it cannot parse as "fts5: syntax error near …".
    if (err instanceof Error && err.message.startsWith('fts5:')) throw new SearchError(`search: ${err.message}`, { cause: err });
    throw err;
  }
  return { items: articlesByIds(db, ids.slice(0, limit)), more: ids.length > limit };
}
