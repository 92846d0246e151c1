// Who is reading: the public, or a syndication partner identified by its key
// in `Authorization: Bearer …` or, for feed readers that cannot set headers,
// a `key` query parameter. Identified on every public route (feeds, article
// pages, listings), so that a key nobody holds, or a revoked one, is refused
// everywhere rather than served the public answer, and a partner notices.
// Each partner has a request budget per minute (429 with Retry-After past
// it), and its requests are counted (store/partner-usage.ts): each request,
// and once its answer is sent, its bytes, a 304, and the articles it carried
// (noteDelivery), for the partner's usage report.
// `fullTextAllowed` is the one place that decides who gets full text, and
// `publishedAsOf` the one that decides who sees articles under embargo.
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config.js';
import type { Context } from '../context.js';
import { bodyBytes, routeOf } from '../observe/requests.js';
import { findPartnerByKey, type Partner } from '../store/partners.js';
import { WITH_EMBARGOED } from '../store/articles/reads.js';
import type { Answer, Delivered } from '../store/usage-tally.js';

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A partner's request budget: the RateLimiter itself in one process; in a
 * reader process of serve --readers N, the primary's, asked over IPC
 * (cli/serve/readers-ipc.ts), so that a key's budget is the budget however many
 * readers its requests reach.
 */
export interface Budget {
  take(id: number): Verdict | Promise<Verdict>;
}

/** Where a partner's answered requests are counted (store/partner-usage.ts, or a reader's tally sent to the primary). */
export interface UsageCounter {
  /** A request admitted (past the key check and the rate limit). */
  count(partnerId: number): void;
  /** Its answer, once sent whole. */
  answered(partnerId: number, answer: Answer): void;
}

/** A token bucket per partner: `perMinute` requests, refilled continuously. */
export class RateLimiter implements Budget {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** Takes one request from the partner's budget; the seconds to wait when there is none. */
  take(id: number, now = Date.now()): Verdict {
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(id) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / rate / 1000) };
    bucket.tokens -= 1;
    return { ok: true };
  }
}

export function partnerOf(res: Response): Partner | undefined {
  return res.locals.partner as Partner | undefined;
}

/**
 * Says which articles the body about to be sent carries, when the reader is
 * a partner: its usage report lists them (counted only if the answer is a
 * 200 to a GET, sent whole). `format`: rss, atom, json or html.
 */
export function noteDelivery(req: Request, res: Response, articleIds: readonly number[] | undefined, format: string): void {
  if (!partnerOf(res) || !articleIds?.length) return;
  res.locals.delivered = { articleIds, route: routeOf(req), format } satisfies Delivered;
}

/**
 * Whether the reader gets an article's full text: everyone when the config
 * publishes it to all, else a partner whose tier includes it, for articles
 * in its categories (`categories` absent: already limited to them, as a
 * partner's feeds are). Every route that can show a body asks this.
 */
export function fullTextAllowed(cfg: Readonly<Config>, partner: Partner | undefined, categories?: readonly string[]): boolean {
  if (cfg.publish.fullTextPublic) return true;
  if (!partner?.fullText) return false;
  if (categories === undefined || partner.categories.length === 0) return true;
  return categories.some((c) => partner.categories.includes(c));
}

/**
 * Up to when the reader sees articles: now for the public and most
 * partners, so an article under embargo (published at its embargo's end)
 * is not there yet; every embargoed one for a partner permitted to receive
 * them early (its feeds mark them with the time).
 */
export function publishedAsOf(partner: Partner | undefined): number {
  return partner?.embargoed ? WITH_EMBARGOED : Date.now();
}

export function identifyPartner(ctx: Context, budget: Budget, usage: UsageCounter, onPartnerRequest?: (partnerId: number) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const credential = credentialOf(req);
    if (credential === undefined) return next();
    if ('error' in credential) {
      res.status(400).type('text/plain').send(`Bad request: ${credential.error}\n`);
      return;
    }
    const partner = credential.key === '' ? undefined : findPartnerByKey(ctx.db, credential.key);
    if (!partner || partner.revokedAt) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="wirefeed"').type('text/plain').send('Unauthorized: unknown or revoked partner key\n');
      return;
    }
    const admit = (verdict: Verdict) => {
      if (!verdict.ok) {
        res.status(429).set('Retry-After', String(verdict.retryAfterSeconds)).type('text/plain').send('Too many requests for this key\n');
        return;
      }
      // In memory: the tally reaches the database later, off this request's path.
      usage.count(partner.id);
      // 'finish': the whole answer was handed to the network (not one cut short).
      res.once('finish', () => usage.answered(partner.id, answerOf(req, res)));
      onPartnerRequest?.(partner.id);
      res.locals.partner = partner;
      next();
    };
    const verdict = budget.take(partner.id);
    if (verdict instanceof Promise) verdict.then(admit, next);
    else admit(verdict);
  };
}

function answerOf(req: Request, res: Response): Answer {
  const delivered = req.method === 'GET' ? (res.locals.delivered as Delivered | undefined) : undefined;
  return { at: Date.now(), status: res.statusCode, bytes: bodyBytes(req.method, res), delivered };
}

/**
 * The key the request presents, if any. The auth scheme is matched without
 * regard to case (RFC 9110 11.1); other schemes (a proxy's Basic auth) are
 * not ours and are ignored. A `key` given twice is refused: which one would
 * count is anyone's guess.
 */
function credentialOf(req: Request): { key: string } | { error: string } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+(.*))?$/.exec(header);
    if (match?.[1]?.toLowerCase() === 'bearer') return { key: (match[2] ?? '').trim() };
  }
  const key = req.query.key;
  if (key === undefined) return undefined;
  if (typeof key !== 'string') return { error: 'key must be given once' };
  return { key };
}

// CORS for what the public may read (PRODUCT.md, HTTP surface): feeds, the
// JSON listings and article JSON answer any origin, so that a web page can
// read them from the browser; nothing that needs a credential does. A
// partner's answers (its key in a header or the query) stay closed to other
// origins, as do /admin, the WebSub hub's endpoint (a server-to-server
// protocol) and the ops routes, which are mounted before these.
// Preflights are answered here (Fetch standard, "CORS protocol"): only the
// methods and the conditional headers a reader of public feeds needs.

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

const closed = /^\/(admin|websub)(\/|$)/i;

/** Answers preflights (OPTIONS) for every route but /admin; before partners are identified: a preflight carries no key. */
export function corsPreflight(req: Request, res: Response, next: NextFunction): void {
  // Not `OPTIONS *` (RFC 9110 9.3.7, the server as a whole): that stays the plain 4xx it was.
  if (req.method !== 'OPTIONS' || !req.originalUrl.startsWith('/') || closed.test(req.path)) return next();
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
