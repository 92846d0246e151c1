// Reads a feed page's parameters (`limit`, `cursor`) and the page itself.
// Time-ordered feeds page by key (RFC 5005 section 4 paged feeds): a cursor
// is base64url of "publishedAt:id", the last item of the page above, and the
// next page is what lies below it in the time index, however many items
// arrive meanwhile. Search is ordered by rank, so its cursor is a page number.
import type { Article } from '../model.js';
import type { PageSpec } from '../publish/document.js';
import type { Db } from '../store/db/db.js';
import { type FeedFilter, type FeedKey, listFeedPage } from '../store/articles/feeds.js';
import { searchArticles, SearchError } from '../store/articles/search.js';

export const MAX_LIMIT = 200;
/** Search pages past this are refused: ranking every match to skip them costs more than anyone reads. */
const MAX_SEARCH_PAGE = 1000;

export type PageResult = { items: Article[]; page: PageSpec } | { error: string };

/** The page a request asks for; `error` names the bad parameter (a 400). */
/**
 * `within`: the categories a partner limited to them may see (empty: all);
 * `asOf`: articles published by then (now, unless the reader may see embargoed ones).
 */
export function readPage(
  db: Db,
  query: Record<string, unknown>,
  filter: FeedFilter,
  defaultLimit: number,
  within: readonly string[] = [],
  asOf = Date.now(),
): PageResult {
  // The query parser makes a repeated parameter an array.
  if (Array.isArray(query.limit)) return { error: 'limit must be given once' };
  const limit = parseLimit(query.limit, defaultLimit);
  if (limit === undefined) return { error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  const asked = query.limit === undefined ? undefined : limit;
  const cursor = query.cursor;
  if (cursor !== undefined && typeof cursor !== 'string') return { error: 'cursor must be given once' };
  if (filter.kind === 'search') {
    const page = cursor === undefined ? 1 : parsePageNumber(cursor);
    if (page === undefined) return { error: `cursor must be a page number from 2 to ${MAX_SEARCH_PAGE}, as in the feed's "next" link` };
    try {
      const found = searchArticles(db, filter.match, limit, page, within, filter.window, asOf);
      return {
        items: found.items,
        page: {
          limit: asked,
          cursor,
          newerCursor: page > 2 ? String(page - 1) : undefined,
          olderCursor: found.more && page < MAX_SEARCH_PAGE ? String(page + 1) : undefined,
        },
      };
    } catch (err) {
      if (err instanceof SearchError) return { error: `q cannot be searched: ${err.message}` };
      throw err;
    }
  }
  const before = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && before === undefined) return { error: `cursor is not one this feed gave out (take it from the feed's "next" link)` };
  const found = listFeedPage(db, filter, limit, before, within, asOf);
  return {
    items: found.items,
    page: { limit: asked, cursor, newerCursor: found.newer && encodeCursor(found.newer), olderCursor: found.older && encodeCursor(found.older) },
  };
}

function parseLimit(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

function parsePageNumber(value: string): number | undefined {
  if (!/^[1-9]\d{0,3}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 2 && n <= MAX_SEARCH_PAGE ? n : undefined;
}

export function encodeCursor(key: FeedKey): string {
  return Buffer.from(`${key.publishedAt}:${key.id}`).toString('base64url');
}

/** The key in a cursor, or undefined unless it is exactly what encodeCursor writes. */
export function decodeCursor(cursor: string): FeedKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) return undefined;
  const key = { publishedAt: Number(match[1]), id: Number(match[2]) };
  const exact = Number.isSafeInteger(key.publishedAt) && Number.isSafeInteger(key.id) && encodeCursor(key) === cursor;
  return exact ? key : undefined;
}
