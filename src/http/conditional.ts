// Sends a cached feed the way caches and aggregators expect: the encoding
// the client prefers, validators, Cache-Control and Vary, and a 304 when the
// client already holds it (RFC 9110 13.1 and 15.4.5). HEAD gets the same
// headers; Node leaves the body off by itself. The Express feed routes and
// the fast path for cached feeds (fast-feeds.ts) answer alike through this.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import type { CachedFeed, Encoding } from '../publish/cache.js';
import type { Config } from '../config/config.js';
import { allKey } from '../publish/edge/keys.js';
import { publicCorsHeaders } from './partner.js';

export interface FeedAnswer {
  status: 200 | 304;
  /** Names and values in one flat list, as node:http's writeHead takes them. */
  headers: string[];
  /** Absent for a 304. */
  body?: Buffer;
}

/** The answer to `req` from `feed`: a 304 when the client holds it, else the body in the encoding chosen. */
export function feedAnswer(req: IncomingMessage, feed: CachedFeed, caching: Caching): FeedAnswer {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  const notModified = isNotModified(req.headers, feed);
  const base = feed.lastModified ? caching : emptyFeedCaching(caching);
  const headers = preparedHeaders(feed, encoding, notModified, feed.expiresAt === undefined ? base : cappedAt(base, feed.expiresAt));
  return notModified ? { status: 304, headers } : { status: 200, headers, body: feed.body(encoding) };
}

/** Capped cachings by their Cache-Control: one per value a cap has taken (at most max-age of them). */
const capped = new Map<string, Caching>();

/**
 * `caching` with max-age cut to the time left before the body stops being
 * right (an embargo ends, a tombstone goes: publish/cache.ts), so that a
 * reader's cache asks again then rather than up to max-age later. The cache
 * in front keeps its own lifetime: it is purged at that time (publish/push/changes.ts).
 */
function cappedAt(caching: Caching, expiresAt: number): Caching {
  const maxAge = /max-age=(\d+)/.exec(caching.cacheControl);
  if (!maxAge) return caching;
  const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
  if (left >= Number(maxAge[1])) return caching;
  const cacheControl = caching.cacheControl.replace(/max-age=\d+/, `max-age=${left}`);
  const key = `${cacheControl}|${caching.edge ?? ''}`;
  let cut = capped.get(key);
  if (!cut) {
    if (capped.size >= 4096) capped.clear();
    capped.set(key, (cut = { ...caching, cacheControl }));
  }
  return cut;
}

/** Sends the answer through the progressive API, so that the headers stay readable (the request log reads Content-Length). */
export function sendCachedFeed(req: IncomingMessage, res: ServerResponse, feed: CachedFeed, caching: Caching): void {
  const answer = feedAnswer(req, feed, caching);
  for (let i = 0; i < answer.headers.length; i += 2) res.setHeader(answer.headers[i]!, answer.headers[i + 1]!);
  res.statusCode = answer.status;
  res.end(answer.body);
}

/**
 * What an answer tells caches: `cacheControl` for browsers, readers and any
 * shared cache on the way; `edge`, for the cache in front that wirefeed
 * purges (publish/edge/), sent as Surrogate-Control (Fastly, our Varnish
 * VCL) and CDN-Cache-Control (RFC 9213): it may keep an answer far longer,
 * since it is told when the answer changes. Other shared caches are not
 * told, so `s-maxage` is not used.
 */
export interface Caching {
  cacheControl: string;
  edge?: string;
  /** A partner's answer: never stored by a shared cache, nor open to other origins. */
  private: boolean;
}

const cachings = new WeakMap<Readonly<Config>, { public: Caching; partner: Caching }>();

/**
 * Public answers may sit in shared caches, and be served stale for a while
 * when the origin is busy or down (RFC 5861); a partner's may not, anywhere
 * (and the cache in front is told `no-store` as well).
 */
export function cachingFor(cfg: Readonly<Config>, partner: boolean): Caching {
  let both = cachings.get(cfg);
  if (!both) {
    const { maxAgeSeconds } = cfg.publish;
    const { staleWhileRevalidateSeconds: swr, staleIfErrorSeconds: sie } = cfg.edge;
    const stale = `${swr > 0 ? `, stale-while-revalidate=${swr}` : ''}${sie > 0 ? `, stale-if-error=${sie}` : ''}`;
    both = {
      public: { cacheControl: `public, max-age=${maxAgeSeconds}${stale}`, edge: `max-age=${cfg.edge.maxAgeSeconds}${stale}`, private: false },
      partner: { cacheControl: `private, max-age=${maxAgeSeconds}`, edge: 'no-store', private: true },
    };
    cachings.set(cfg, both);
  }
  return partner ? both.partner : both.public;
}

/**
 * An empty feed (no items, so no Last-Modified) is answered `no-cache`: a
 * cache may keep it but must ask again before reusing it (RFC 9111 5.2.2.4).
 * On a fresh database before the first ingest, or a category yet to get a
 * story, a CDN would otherwise serve the empty feed for max-age after items
 * arrive. The 304 keeps revalidation cheap. The cache in front is told
 * nothing more, so it follows the same rule.
 */
export function emptyFeedCaching(caching: Caching): Caching {
  return caching.private ? caching : emptyPublic;
}
const emptyPublic: Caching = { cacheControl: 'public, no-cache', private: false };

/** A cached entry's header lists for one caching, by answer kind and encoding. */
interface HeaderLists {
  full: Partial<Record<Encoding, string[]>>;
  notModified: Partial<Record<Encoding, string[]>>;
}

/**
 * Header lists are built once per entry and answer kind (node:http takes
 * them as one flat array), and found again without building a key string.
 */
const prepared = new WeakMap<CachedFeed, Map<Caching, HeaderLists>>();

function preparedHeaders(feed: CachedFeed, encoding: Encoding, notModified: boolean, caching: Caching): string[] {
  let byCaching = prepared.get(feed);
  if (!byCaching) prepared.set(feed, (byCaching = new Map()));
  let lists = byCaching.get(caching);
  if (!lists) byCaching.set(caching, (lists = { full: {}, notModified: {} }));
  const kind = notModified ? lists.notModified : lists.full;
  return (kind[encoding] ??= feedHeaders(feed, encoding, notModified, caching).flat());
}

/** The headers of a cached feed's answer, in the order they are sent. */
function feedHeaders(feed: CachedFeed, encoding: Encoding, notModified: boolean, caching: Caching): [string, string][] {
  // The fast path sends these alone; Express adds nosniff to everything it answers (app.ts), so both send it.
  const headers: [string, string][] = [['X-Content-Type-Options', 'nosniff']];
  if (!notModified) headers.push(['Content-Type', feed.contentType]);
  headers.push(
    ['Cache-Control', caching.cacheControl],
    // A partner's key in Authorization gets a different body; a browser's
    // Accept gets the feed's HTML preview instead (site/negotiate.ts).
    ['Vary', 'Accept, Accept-Encoding, Authorization'],
    ['ETag', feed.etags[encoding]],
  );
  if (feed.lastModifiedHttp) headers.push(['Last-Modified', feed.lastModifiedHttp]);
  // WebSub 4: the hub and the topic's self URL, on a 304 too (RFC 9110 15.4.5 keeps what a 200 would send).
  if (feed.link) headers.push(['Link', feed.link]);
  headers.push(...edgeHeaders(caching, feed.surrogateKeys));
  // Only a public answer is open to other origins; a partner's (private) never is.
  if (!caching.private) headers.push(...publicCorsHeaders);
  if (notModified) return headers;
  if (encoding !== 'identity') headers.push(['Content-Encoding', encoding]);
  headers.push(['Content-Length', String(feed.body(encoding).length)]);
  return headers;
}

/**
 * For the cache in front: how long it may keep the answer, and the keys it
 * is purged by (publish/edge/keys.ts; `all` when the answer names none). A
 * partner's answer carries no keys: it is never stored there.
 */
export function edgeHeaders(caching: Caching, surrogateKeys: string | undefined): [string, string][] {
  const headers: [string, string][] = [];
  if (caching.edge) headers.push(['Surrogate-Control', caching.edge], ['CDN-Cache-Control', caching.edge]);
  if (!caching.private) headers.push(['Surrogate-Key', surrogateKeys ?? allKey]);
  return headers;
}

/** The caching headers of an answer sent by Express rather than from the render cache (the JSON routes, OPML). */
export function setCaching(res: ServerResponse, caching: Caching, surrogateKeys?: string): void {
  res.setHeader('Cache-Control', caching.cacheControl);
  for (const [name, value] of edgeHeaders(caching, surrogateKeys)) res.setHeader(name, value);
}

const preferred: Encoding[] = ['br', 'gzip'];
/** Clients send a handful of distinct Accept-Encoding values; each is negotiated once. */
const chosen = new Map<string, Encoding>();
const MAX_REMEMBERED = 256;

/**
 * Brotli when the client accepts it (q > 0), else gzip, else identity: our
 * preference, not the header's order, since brotli is smaller and both are
 * already made. No Accept-Encoding at all means identity.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  let encoding = chosen.get(acceptEncoding);
  if (encoding === undefined) {
    const accepted = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encodings(preferred);
    encoding = preferred.find((e) => accepted.includes(e)) ?? 'identity';
    if (chosen.size >= MAX_REMEMBERED) chosen.clear();
    chosen.set(acceptEncoding, encoding);
  }
  return encoding;
}

/**
 * If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). If-None-Match
 * compares weakly, so a client holding the gzip form of the same content is
 * current too.
 */
export function isNotModified(headers: IncomingHttpHeaders, feed: CachedFeed): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (feed.hasEtag(ifNoneMatch)) return true;
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.some((tag) => tag === '*' || feed.hasEtag(tag));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined || !feed.lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since;
}
