// Feed routes: /feeds/all, /feeds/categories/{slug}, /feeds/sources/{slug},
// /feeds/tags/{slug} and /feeds/search?q=, each as .rss, .atom and .json,
// and for partners as .ninjs too, paged by `limit` and `cursor`. Handlers
// only look up, query and render.
import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { buildDocument, contentTypes, feedFormats, type FeedSpec, type PartnerFormat, partnerFormats, type RenderFormat } from '../publish/document.js';
import { type CachedFeed, FeedCache, type Rendered } from '../publish/cache.js';
import { allFeed, categoryFeed, searchFeed, sourceFeed, tagFeed } from '../publish/catalog.js';
import { listKeys } from '../publish/edge/keys.js';
import { renderFeed } from '../publish/render.js';
import { renderableItems, xmlSafeText } from '../publish/renderable.js';
import { findCategory } from '../store/categories.js';
import { earliest, type FeedFilter, listWithdrawals, nextEmbargoEnd, type Withdrawals } from '../store/articles/feeds.js';
import { contentVersion, databaseCreatedAt } from '../store/content-version.js';
import { matchExpression } from '../store/articles/search.js';
import { WITH_EMBARGOED } from '../store/articles/reads.js';
import { findSourceBySlug } from '../store/sources.js';
import { findTag, findWithdrawnTag } from '../store/tags.js';
import { type Correction, listRecentCorrections } from '../store/versions/article-versions.js';
import { cachingFor, sendCachedFeed } from './conditional.js';
import type { FastFeeds } from './fast-feeds.js';
import { routeOf } from '../observe/requests.js';
import { readPage } from './paging.js';
import { fullTextAllowed, noteDelivery, partnerOf, publishedAsOf } from './partner.js';
import type { Partner } from '../store/partners.js';

/** Longer queries are refused: nobody types them, and each word is a term to rank. */
const MAX_QUERY_LENGTH = 256;

/**
 * C0 controls but tab, CR and LF, DEL, and the noncharacters U+FFFE and
 * U+FFFF: no one types them, FTS5 reads a NUL as the query's end, and the
 * query is printed in the feed's title, where XML cannot carry most of them.
 */
const UNTYPABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/** A value echoed in an error message is cut to this many characters: the message stays short whatever was sent. */
const MAX_ECHOED = 100;

/** The context of the feed routes: the app's, plus its render cache and the fast path in front of the app. */
interface FeedContext extends Context {
  cache: FeedCache;
  fast?: FastFeeds;
}

/**
 * `cache` is passed in by the app, which also reports its hits and misses as
 * metrics; `fast` learns the URLs of the public feeds answered here.
 */
export function feedRoutes(
  appCtx: Context,
  cache = new FeedCache(appCtx.cfg.publish.cacheBytes),
  fast?: FastFeeds,
): Router {
  const ctx: FeedContext = { ...appCtx, cache, fast };
  const router = Router();
  const site = ctx.cfg.site;

  // A feed already rendered at the current content version is answered from
  // the cache (or with a 304) before any lookup, query or rendering. Every
  // feed route has a :format, so this runs once the route has matched (and
  // request metrics can name it by its pattern) but before its handler.
  router.param('format', (req, res, next) => {
    // Before any lookup: the public learns nothing from a partner format, not even whether a category exists.
    if (partnerFormats.includes(String(req.params.format) as PartnerFormat) && !partnerOf(res)) return partnersOnly(res, `.${String(req.params.format)} feeds are`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const key = cacheKey(req, res);
    const cached = ctx.cache.get(key, contentVersion(ctx.db));
    if (cached) return answerFromCache(ctx, req, res, key, cached);
    next();
  });

  router.get('/feeds/all.:format', (req, res) => {
    sendFeed(ctx, req, res, { kind: 'all' }, allFeed(site));
  });

  router.get('/feeds/categories/:slug.:format', (req, res) => {
    const category = findCategory(ctx.db, String(req.params.slug));
    const within = partnerOf(res)?.categories ?? [];
    if (!category || (within.length > 0 && !within.includes(category.slug))) return notFound(res, `no category ${quoted(String(req.params.slug))}`);
    sendFeed(ctx, req, res, { kind: 'category', slug: category.slug }, categoryFeed(site, category));
  });

  router.get('/feeds/sources/:slug.:format', (req, res) => {
    const source = findSourceBySlug(ctx.db, String(req.params.slug));
    if (!source) return notFound(res, `no source ${quoted(String(req.params.slug))}`);
    sendFeed(ctx, req, res, { kind: 'source', sourceId: source.id }, sourceFeed(site, source));
  });

  router.get('/feeds/tags/:slug.:format', (req, res) => {
    const slug = String(req.params.slug);
    // A tag whose last article was withdrawn still has a feed while the tombstone lasts.
    const since = tombstonesSince(ctx);
    const asOf = publishedAsOf(partnerOf(res));
    const tag = findTag(ctx.db, slug, asOf) ?? (since === undefined ? undefined : findWithdrawnTag(ctx.db, slug, since, asOf === WITH_EMBARGOED));
    if (!tag) return notFound(res, `no tag ${quoted(slug)}`);
    sendFeed(ctx, req, res, { kind: 'tag', slug: tag.slug }, tagFeed(site, tag));
  });

  router.get('/feeds/search.:format', (req, res) => {
    const q = req.query.q;
    if (q !== undefined && typeof q !== 'string') return badRequest(res, 'q must be given once');
    const query = q?.trim() ?? '';
    if (query === '') return badRequest(res, 'q is required');
    if (query.length > MAX_QUERY_LENGTH) return badRequest(res, `q must be at most ${MAX_QUERY_LENGTH} characters`);
    if (UNTYPABLE.test(query)) return badRequest(res, 'q must not contain control characters (such as NUL) or U+FFFE and U+FFFF');
    const match = matchExpression(query);
    if (match === undefined) return badRequest(res, 'q must contain a word (letters or digits) to search for');
    sendFeed(ctx, req, res, { kind: 'search', match, window: ctx.cfg.publish.searchWindow }, searchFeed(site, query));
  });

  return router;
}

/**
 * The request's path with its query parameters in a fixed order, under the
 * reader's tier: a partner's body (full text, its categories) is never
 * served to anyone else. The key itself is left out of the entry's name.
 * The path is the router's, not the request target's: a target in absolute
 * form (RFC 9112 3.2.2) may name an authority URL refuses, like port 99999.
 */
function cacheKey(req: Request, res: Response): string {
  const at = req.originalUrl.indexOf('?');
  const url = new URL(`http://wirefeed.invalid${req.path}${at < 0 ? '' : req.originalUrl.slice(at)}`);
  // Only the parameters a feed is made from: anything else (`?utm_source=…`,
  // a random cache-buster) is the same feed, so it cannot make us render
  // again for every request. Every value is kept, so that a parameter given
  // twice misses and gets its 400.
  const kept = new URLSearchParams();
  for (const name of FEED_PARAMETERS) for (const value of url.searchParams.getAll(name)) kept.append(name, value);
  const partner = partnerOf(res);
  return `${partner ? `partner:${partner.id}` : 'public'} ${url.pathname}?${kept}`;
}

/** What a feed's body depends on besides its path, in a fixed order. */
const FEED_PARAMETERS = ['cursor', 'limit', 'q'] as const;

/**
 * Sends a rendered feed, and tells the fast path the URL of a public one.
 * A URL with a `key` parameter is never handed over (one given twice is no
 * credential and is served publicly, but its text should stay out of logs).
 */
function answerFromCache(ctx: FeedContext, req: Request, res: Response, key: string, feed: CachedFeed): void {
  const partner = partnerOf(res);
  if (!partner && !('key' in req.query)) ctx.fast?.remember(req.originalUrl, key, routeOf(req));
  noteDelivery(req, res, feed.articleIds, String(req.params.format));
  sendCachedFeed(req, res, feed, cachingFor(ctx.cfg, partner !== undefined));
}

function sendFeed(ctx: FeedContext, req: Request, res: Response, filter: FeedFilter, spec: FeedSpec): void {
  const format = String(req.params.format) as RenderFormat;
  const known = [...feedFormats, ...(partnerOf(res) ? partnerFormats : [])];
  if (!known.includes(format)) return notFound(res, `no feed format ${quoted(`.${format}`)} (use ${partnerOf(res) ? '.rss, .atom, .json or .ninjs' : '.rss, .atom or .json'})`);
  // The version is read before the query: a write that lands while this
  // renders leaves the entry stale (re-rendered next time), never wrong.
  const version = contentVersion(ctx.db);
  const rendered = renderFeedPage(ctx, filter, spec, format, req.query, partnerOf(res));
  if ('error' in rendered) return badRequest(res, rendered.error);
  const key = cacheKey(req, res);
  const entry = ctx.cache.set(key, version, rendered);
  answerFromCache(ctx, req, res, key, entry);
}

/**
 * One page of a feed rendered for a reader (a partner, or the public when
 * `partner` is undefined): what the feed routes send and cache, and what the
 * built-in WebSub hub pushes to subscribers (hub/topics.ts), so that both
 * are the same bytes. `error` names a bad parameter (a 400).
 */
export function renderFeedPage(
  ctx: Context,
  filter: FeedFilter,
  spec: FeedSpec,
  format: RenderFormat,
  query: Record<string, unknown> = {},
  partner?: Partner,
): Rendered | { error: string } {
  // Taken before the read: an embargo ending while it runs still dates the entry.
  const renderedAt = Date.now();
  const asOf = publishedAsOf(partner);
  const found = readPage(ctx.db, query, filter, ctx.cfg.publish.limit, partner?.categories, asOf);
  if ('error' in found) return found;
  // Stored data is not trusted: an item that cannot be rendered is left out (and logged), never the feed.
  const items = renderableItems(found.items, ctx.log);
  const gone = withdrawalsOf(ctx, filter, found.page.cursor, partner?.categories ?? [], asOf);
  const dated = items.length > 0 || gone.last !== undefined;
  const corrections = partner ? correctionsOf(ctx, items.map((a) => a.id)) : new Map<number, Correction>();
  const doc = buildDocument(ctx.cfg, spec, items, found.page, {
    fullText: fullTextAllowed(ctx.cfg, partner),
    emptySince: dated ? undefined : databaseCreatedAt(ctx.db),
    lastWithdrawn: gone.last,
    tombstones: gone.recent,
    // Kill notices in RSS and JSON Feed are for partners; the public feeds only drop the item.
    killNotices: partner !== undefined,
    // So are correction notices; the public feeds only move the item's updated date.
    corrections,
  });
  const oldest = doc.tombstones.at(-1);
  const dueAt = [...(oldest ? [oldest.withdrawnAt] : []), ...[...corrections.values()].map((c) => c.at)].map((at) => at.getTime() + ctx.cfg.publish.tombstoneMs);
  return {
    body: renderFeed(doc, format, ctx.log),
    contentType: contentTypes[format],
    lastModified: dated ? doc.updated : undefined,
    // The hub pushes the public formats only (hub/topics.ts): a ninjs page names no hub.
    link: linkHeader(format === 'ninjs' ? undefined : doc.hub, doc.urls[format]),
    surrogateKeys: listKeys(filter, items),
    articleIds: partner ? items.map((item) => item.id) : undefined,
    // Rendered again when the oldest tombstone or correction notice is due to go, or the next embargo
    // ends, though no content changed (RSS and JSON too: a tag feed kept for a tombstone goes with it).
    expiresAt: earliest(dueAt.length > 0 ? Math.min(...dueAt) : undefined, nextEmbargoEnd(ctx.db, renderedAt)),
  };
}

/**
 * What was withdrawn from the first page of a time-ordered feed: tombstones
 * for those of the last `publish.tombstone_days` (none when that is 0), and
 * the last withdrawal, which dates the feed (its Last-Modified) even after its
 * tombstone has gone. Later pages and search have neither: a reader learns
 * of a withdrawal where it polls.
 */
function withdrawalsOf(ctx: Context, filter: FeedFilter, cursor: string | undefined, within: readonly string[], asOf: number): Withdrawals {
  if (filter.kind === 'search' || cursor !== undefined) return { recent: [] };
  return listWithdrawals(ctx.db, filter, tombstonesSince(ctx) ?? Number.MAX_SAFE_INTEGER, within, asOf === WITH_EMBARGOED);
}

/**
 * The items of a partner's page corrected within `publish.tombstone_days`,
 * the period kill notices last (none when it is 0). The replaced title and
 * summary are stored text, checked as the items were (renderable.ts).
 */
export function correctionsOf(ctx: Context, ids: number[]): Map<number, Correction> {
  const since = tombstonesSince(ctx);
  if (since === undefined) return new Map();
  const found = listRecentCorrections(ctx.db, ids, since);
  for (const c of found.values()) {
    c.previousTitle = xmlSafeText(c.previousTitle);
    c.previousSummary = xmlSafeText(c.previousSummary);
  }
  return found;
}

/** An article withdrawn after this time (ms) still has its tombstone; undefined when `publish.tombstone_days` is 0. */
function tombstonesSince(ctx: Context): number | undefined {
  const period = ctx.cfg.publish.tombstoneMs;
  return period > 0 ? Date.now() - period : undefined;
}

/** RFC 8288 Link: the hub (when configured) and self, as WebSub 4 asks of every topic's answer. */
export function linkHeader(hub: string | undefined, self: string): string {
  const quoted = (url: string) => `<${url.replace(/[<>\s]/g, encodeURIComponent)}>`;
  return [...(hub ? [`${quoted(hub)}; rel="hub"`] : []), `${quoted(self)}; rel="self"`].join(', ');
}

/**
 * 404s and 400s carry no surrogate key, so a purge cannot reach them: a
 * cache in front must ask again each time (Varnish's built-in rules do not
 * store a `no-cache` answer), or a tag's first story would stay a 404 there
 * for its default lifetime.
 */
export function notFound(res: Response, message: string): void {
  res.status(404).set('Cache-Control', 'no-cache').type('text/plain').send(`Not found: ${message}\n`);
}

/**
 * A partner format (or an article's versions) asked for without a key: a
 * 403 that says how to get it, and never a body of that format. Vary: a request with a key in
 * Authorization gets the feed, so no cache may answer it with this.
 */
export function partnersOnly(res: Response, what: string): void {
  res
    .status(403)
    .set('Cache-Control', 'no-cache')
    .set('Vary', 'Authorization')
    .type('text/plain')
    .send(`Forbidden: ${what} for partners; send your partner key (Authorization: Bearer KEY, or ?key=KEY)\n`);
}

function badRequest(res: Response, message: string): void {
  res.status(400).set('Cache-Control', 'no-cache').type('text/plain').send(`${message}\n`);
}

/**
 * A value from the request, quoted for a message: cut short, with control
 * characters and lone surrogates escaped as JSON escapes them, and format
 * characters (a right-to-left override, a zero-width space) escaped too, so
 * that the message reads as it is.
 */
export function quoted(value: string): string {
  const json = JSON.stringify(value.length > MAX_ECHOED ? `${value.slice(0, MAX_ECHOED)}…` : value);
  return json.replace(/\p{Cf}/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
