// Sends a cached feed the way caches and aggregators expect: the encoding
// the client prefers, validators, Cache-Control and Vary, and a 304 when the
// client already holds it (RFC 9110 13.1 and 15.4.5). HEAD gets the same
// headers; Node leaves the body off by itself. The Express feed routes and
// the fast path for cached feeds (fast-feeds.ts) answer alike through this.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import type { CachedFeed, Encoding } from '../publish/cache.js';
import { publicCorsHeaders } from './partner.js';

export interface FeedAnswer {
  status: 200 | 304;
  /** Names and values in one flat list, as node:http's writeHead takes them. */
  headers: string[];
  /** Absent for a 304. */
  body?: Buffer;
}

/** The answer to `req` from `feed`: a 304 when the client holds it, else the body in the encoding chosen. */
export function feedAnswer(req: IncomingMessage, feed: CachedFeed, cacheControl: string): FeedAnswer {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  const notModified = isNotModified(req.headers, feed);
  const headers = preparedHeaders(feed, encoding, notModified, feed.lastModified ? cacheControl : emptyFeedCacheControl(cacheControl));
  return notModified ? { status: 304, headers } : { status: 200, headers, body: feed.body(encoding) };
}

/** Sends the answer through the progressive API, so that the headers stay readable (the request log reads Content-Length). */
export function sendCachedFeed(req: IncomingMessage, res: ServerResponse, feed: CachedFeed, cacheControl: string): void {
  const answer = feedAnswer(req, feed, cacheControl);
  for (let i = 0; i < answer.headers.length; i += 2) res.setHeader(answer.headers[i]!, answer.headers[i + 1]!);
  res.statusCode = answer.status;
  res.end(answer.body);
}

/** Public feeds may sit in shared caches; a partner's may not. */
export function cacheControlFor(maxAgeSeconds: number, partner: boolean): string {
  return `${partner ? 'private' : 'public'}, max-age=${maxAgeSeconds}`;
}

/**
 * An empty feed (no items, so no Last-Modified) is answered `no-cache`: a
 * cache may keep it but must ask again before reusing it (RFC 9111 5.2.2.4).
 * On a fresh database before the first ingest, or a category yet to get a
 * story, a CDN would otherwise serve the empty feed for max-age after items
 * arrive. The 304 keeps revalidation cheap.
 */
export function emptyFeedCacheControl(cacheControl: string): string {
  return `${cacheControl.startsWith('private') ? 'private' : 'public'}, no-cache`;
}

/** A cached entry's header lists for one Cache-Control value, by answer kind and encoding. */
interface HeaderLists {
  full: Partial<Record<Encoding, string[]>>;
  notModified: Partial<Record<Encoding, string[]>>;
}

/**
 * Header lists are built once per entry and answer kind (node:http takes
 * them as one flat array), and found again without building a key string.
 */
const prepared = new WeakMap<CachedFeed, Map<string, HeaderLists>>();

function preparedHeaders(feed: CachedFeed, encoding: Encoding, notModified: boolean, cacheControl: string): string[] {
  let byCacheControl = prepared.get(feed);
  if (!byCacheControl) prepared.set(feed, (byCacheControl = new Map()));
  let lists = byCacheControl.get(cacheControl);
  if (!lists) byCacheControl.set(cacheControl, (lists = { full: {}, notModified: {} }));
  const kind = notModified ? lists.notModified : lists.full;
  return (kind[encoding] ??= feedHeaders(feed, encoding, notModified, cacheControl).flat());
}

/** The headers of a cached feed's answer, in the order they are sent. */
function feedHeaders(feed: CachedFeed, encoding: Encoding, notModified: boolean, cacheControl: string): [string, string][] {
  // The fast path sends these alone; Express adds nosniff to everything it answers (app.ts), so both send it.
  const headers: [string, string][] = [['X-Content-Type-Options', 'nosniff']];
  if (!notModified) headers.push(['Content-Type', feed.contentType]);
  headers.push(
    ['Cache-Control', cacheControl],
    // A partner's key in Authorization gets a different body; a browser's
    // Accept gets the feed's HTML preview instead (site/negotiate.ts).
    ['Vary', 'Accept, Accept-Encoding, Authorization'],
    ['ETag', feed.etags[encoding]],
  );
  if (feed.lastModifiedHttp) headers.push(['Last-Modified', feed.lastModifiedHttp]);
  // WebSub 4: the hub and the topic's self URL, on a 304 too (RFC 9110 15.4.5 keeps what a 200 would send).
  if (feed.link) headers.push(['Link', feed.link]);
  // Only a public answer is open to other origins; a partner's (private) never is.
  if (cacheControl.startsWith('public')) headers.push(...publicCorsHeaders);
  if (notModified) return headers;
  if (encoding !== 'identity') headers.push(['Content-Encoding', encoding]);
  headers.push(['Content-Length', String(feed.body(encoding).length)]);
  return headers;
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
