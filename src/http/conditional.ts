// Sends a cached feed the way caches and aggregators expect: the encoding
// the client prefers, validators, Cache-Control and Vary, and a 304 when the
// client already holds it (RFC 9110 13.1 and 15.4.5). HEAD gets the same
// headers; Node leaves the body off by itself.
import type { Request, Response } from 'express';
import type { CachedFeed, Encoding } from '../publish/cache.js';

export function sendCachedFeed(req: Request, res: Response, feed: CachedFeed, cacheControl: string): void {
  const encoding = chooseEncoding(req);
  res.set('Content-Type', feed.contentType);
  res.set('Cache-Control', cacheControl);
  // A partner's key in Authorization gets a different body.
  res.set('Vary', 'Accept-Encoding, Authorization');
  res.set('ETag', feed.etags[encoding]);
  if (feed.lastModified) res.set('Last-Modified', feed.lastModified.toUTCString());
  if (isNotModified(req, feed)) {
    res.removeHeader('Content-Type');
    res.status(304).end();
    return;
  }
  if (encoding !== 'identity') res.set('Content-Encoding', encoding);
  const body = feed.bodies[encoding];
  res.set('Content-Length', String(body.length));
  res.status(200).end(body);
}

/**
 * Brotli when the client accepts it (q > 0), else gzip, else identity: our
 * preference, not the header's order, since brotli is smaller and both are
 * already made. No Accept-Encoding at all means identity.
 */
function chooseEncoding(req: Request): Encoding {
  if (!req.headers['accept-encoding']) return 'identity';
  if (req.acceptsEncodings('br')) return 'br';
  if (req.acceptsEncodings('gzip')) return 'gzip';
  return 'identity';
}

/**
 * If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). If-None-Match
 * compares weakly, so a client holding the gzip form of the same content is
 * current too.
 */
function isNotModified(req: Request, feed: CachedFeed): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || Object.values(feed.etags).some((etag) => tags.includes(etag));
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined || !feed.lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(feed.lastModified.getTime() / 1000) * 1000 <= since;
}
