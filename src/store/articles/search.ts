// Full-text search (SQLite FTS5, table article_search from 003_search.sql):
// the best matches first by bm25, a title match counting most, then the
// summary, then the body. User input is never FTS5 syntax: each word is
// quoted as a term of its own, and all of them must match.
//
// bm25 is computed for every match it ranks, so a common word in a large
// archive (100,000 matches in a million articles) would cost its whole
// match list per page. Ranking is therefore over the newest matches only
// (`window` of them, by article id, which grows as articles are stored):
// a query with fewer matches ranks them all, and a news search favours the
// recent among many equally good matches anyway.
import type { Article } from '../../model.js';
import { articlesByIds } from './reads.js';
import type { Db } from '../db/db.js';
import { inCategories, storyFace } from './feeds.js';
import { DEFAULT_SEARCH_WINDOW } from './search-window.js';

/** bm25 weights of the columns title, summary, content_html. */
const WEIGHTS = [10, 4, 1] as const;


/** A query FTS5 refused; the message says why. */
export class SearchError extends Error {
  override name = 'SearchError';
}

/**
 * The FTS5 expression for a user's query: its words (runs without spaces
 * or control characters that hold a letter or digit), each a quoted string,
 * so that operators, column filters, `*` and `"` are only text. Undefined
 * when there is no word. Control characters separate words because FTS5
 * reads its query as a C string: a NUL inside a quoted word ends the query
 * there, an "unterminated string" error.
 */
export function matchExpression(query: string): string | undefined {
  const words = query.split(/[\s\p{Cc}]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');
}

/**
 * Page `page` (from 1) of the matches of a match expression; `more` when a
 * later page has some. FTS5 ranks the matches alone first (no lookup per
 * match), a few pages' worth is kept, and only those are checked against
 * what a reader may see (first version of a story, not withdrawn, the
 * partner's categories); the exact query runs only when too many of them
 * are hidden.
 */
export function searchArticles(
  db: Db,
  expression: string,
  limit: number,
  page: number,
  within: readonly string[] = [],
  window = DEFAULT_SEARCH_WINDOW,
  asOf = Date.now(),
): { items: Article[]; more: boolean } {
  const wanted = page * limit + 1;
  const ranked = runSearch(() =>
    db
      .prepare(`SELECT id FROM ${newestMatches} ORDER BY score, id DESC LIMIT ?`)
      .pluck()
      .all(expression, window, wanted * 4 + 50) as number[],
  );
  let visible = visibleInOrder(db, ranked, within, asOf);
  if (visible.length < wanted && ranked.length === wanted * 4 + 50) visible = exactSearch(db, expression, window, wanted, within, asOf);
  const ids = visible.slice((page - 1) * limit, wanted);
  return { items: articlesByIds(db, ids.slice(0, limit), asOf), more: ids.length > limit };
}

/**
 * The newest `window` matches (parameters: the expression, then the window),
 * each as `id` with its bm25 `score`. FTS5 walks the match list from its
 * newest end and stops after `window`. A `rowid >= floor` constraint instead
 * would not: FTS5 steps through every older match to reach the floor, which
 * in a million articles cost 4 to 5 ms for a word in a tenth of them.
 */
const newestMatches = `(SELECT rowid AS id, bm25(article_search, ${WEIGHTS.join(', ')}) AS score
  FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?)`;

/** The ids a reader may see (published by `asOf`: not under embargo), in the order given. */
function visibleInOrder(db: Db, ids: number[], within: readonly string[], asOf: number): number[] {
  if (ids.length === 0) return [];
  const restrict = within.length ? ` AND ${inCategories('a.id', within)}` : '';
  const shown = new Set(
    db
      .prepare(
        `SELECT a.id FROM articles a WHERE a.id IN (${ids.map(() => '?').join(',')})
           AND a.story_id IS NULL AND a.withdrawn_at IS NULL AND a.published_at <= ?${restrict}`,
      )
      .pluck()
      .all(...ids, asOf, ...within) as number[],
  );
  return ids.filter((id) => shown.has(id));
}

/** Every visible match ranked: the slow way, for when most top matches are hidden. */
function exactSearch(db: Db, expression: string, window: number, wanted: number, within: readonly string[], asOf: number): number[] {
  const restrict = within.length ? ` AND ${inCategories('m.id', within)}` : '';
  return runSearch(
    () =>
      db
        .prepare(
          `SELECT m.id FROM ${newestMatches} AS m WHERE ${storyFace('m.id')}
             AND NOT EXISTS (SELECT 1 FROM articles gone WHERE gone.id = m.id AND (gone.withdrawn_at IS NOT NULL OR gone.published_at > ?))${restrict}
           ORDER BY m.score, m.id DESC LIMIT ?`,
        )
        .pluck()
        .all(expression, window, asOf, ...within, wanted) as number[],
  );
}

function runSearch<T>(query: () => T): T {
  try {
    return query();
  } catch (err) {
    // FTS5 reports a query it cannot parse as "fts5: syntax error near …".
    if (err instanceof Error && err.message.startsWith('fts5:')) throw new SearchError(`search: ${err.message}`, { cause: err });
    throw err;
  }
}
