// How the HTML pages are answered: from the render cache the feeds use
// (publish/cache.ts), built once per content version and per reader's tier,
// then sent as feeds are (http/conditional.ts): ETag and Last-Modified, 304,
// Cache-Control, gzip or brotli. Every page carries a Content-Security-Policy
// that allows no script at all: the pages need none.
import type { Request, Response } from 'express';
import { nextEmbargoEnd } from '../../store/articles/feeds.js';
import type { Context } from '../../context.js';
import type { FeedCache } from '../../publish/cache.js';
import { contentVersion } from '../../store/content-version.js';
import { cachingFor, sendCachedFeed } from '../conditional.js';
import { noteDelivery, partnerOf } from '../partner.js';

const policy = [
  "default-src 'none'",
  "style-src 'self'",
  // Article images are hot-linked from their publishers, as feed readers show them.
  'img-src http: https: data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const htmlType = 'text/html; charset=utf-8';

/** A page built, or what to answer instead (a 404 or 400, never cached). */
/**
 * `keys`: what the page shows, for purging a cache in front (publish/edge/keys.ts);
 * `articleIds`: the articles whose text it carries (the article page), for a partner's usage report.
 */
export type Built = { body: string; lastModified?: Date; keys: string; articleIds?: number[] } | { status: 400 | 404; type: string; body: string };

/** What a page's body depends on besides its path, in a fixed order. */
const PAGE_PARAMETERS = ['cursor', 'limit', 'q', 'view'] as const;

/** The headers of every HTML page, cached or not: no script, no framing, no referrer path to other sites. */
export function setPageHeaders(res: Response): void {
  res.set('Content-Security-Policy', policy);
  res.set('Referrer-Policy', 'strict-origin-when-cross-origin');
}

export function sendPage(ctx: Context, cache: FeedCache, req: Request, res: Response, build: () => Built): void {
  setPageHeaders(res);
  const partner = partnerOf(res);
  // Built before the query runs: a write landing meanwhile leaves the entry stale, never wrong.
  const version = contentVersion(ctx.db);
  const key = `${partner ? `partner:${partner.id}` : 'public'} page ${req.path}?${pageParameters(req)}`;
  let entry = cache.get(key, version);
  if (!entry) {
    // Taken before the build: a page built now is out of date when the next embargo ends.
    const expiresAt = nextEmbargoEnd(ctx.db, Date.now());
    const built = build();
    if ('status' in built) {
      // Never kept by a cache in front, as the feeds' 404s (feeds.ts notFound).
      res.status(built.status).set('Cache-Control', 'no-cache').type(built.type).send(built.body);
      return;
    }
    const { body, lastModified, keys: surrogateKeys, articleIds } = built;
    entry = cache.set(key, version, { body, contentType: htmlType, lastModified, surrogateKeys, articleIds, expiresAt });
  }
  noteDelivery(req, res, entry.articleIds, 'html');
  sendCachedFeed(req, res, entry, cachingFor(ctx.cfg, partner !== undefined));
}

/** Only the parameters a page is made from, so that `?utm_source=…` is the same page and entry. */
function pageParameters(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  const given = new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
  const kept = new URLSearchParams();
  for (const name of PAGE_PARAMETERS) for (const value of given.getAll(name)) kept.append(name, value);
  return kept.toString();
}

/** The newest update among what a page shows: its Last-Modified. */
export function newestOf(items: readonly { updatedAt: Date }[]): Date | undefined {
  const newest = items.reduce((max, a) => Math.max(max, a.updatedAt.getTime()), 0);
  return newest > 0 ? new Date(newest) : undefined;
}
