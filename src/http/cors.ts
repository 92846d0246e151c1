// CORS for what the public may read (PRODUCT.md, HTTP surface): feeds, the
// JSON listings and article JSON answer any origin, so that a web page can
// read them from the browser; nothing that needs a credential does. A
// partner's answers (its key in a header or the query) stay closed to other
// origins, as do /admin and the ops routes, which are mounted before these.
// Preflights are answered here (Fetch standard, "CORS protocol"): only the
// methods and the conditional headers a reader of public feeds needs.
import type { NextFunction, Request, Response } from 'express';
import { partnerOf } from './partner.js';

/** The headers every public answer carries, also sent by the feed answers themselves (conditional.ts). */
export const publicCorsHeaders: [string, string][] = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', 'ETag, Last-Modified, Link'],
];

const preflightHeaders: [string, string][] = [
  ...publicCorsHeaders,
  ['Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS'],
  ['Access-Control-Allow-Headers', 'Accept, If-None-Match, If-Modified-Since'],
  ['Access-Control-Max-Age', '86400'],
];

const closed = /^\/admin(\/|$)/i;

/** Answers preflights (OPTIONS) for every route but /admin; before partners are identified: a preflight carries no key. */
export function corsPreflight(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'OPTIONS' || closed.test(req.path)) return next();
  for (const [name, value] of preflightHeaders) res.set(name, value);
  res.set('Allow', 'GET, HEAD, OPTIONS');
  res.status(204).end();
}

/** Opens a public answer to every origin; after partners are identified, so that a partner's answer never is. */
export function corsPublic(req: Request, res: Response, next: NextFunction): void {
  if (!closed.test(req.path) && !partnerOf(res) && !('key' in req.query)) {
    for (const [name, value] of publicCorsHeaders) res.set(name, value);
  }
  next();
}
