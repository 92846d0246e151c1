// Who is reading a feed: the public, or a syndication partner identified by
// its key in `Authorization: Bearer …` or, for feed readers that cannot set
// headers, a `key` query parameter. A key nobody holds, or a revoked one, is
// refused rather than served the public feed, so that a partner notices.
// Each partner has a request budget per minute (429 with Retry-After past it).
import type { NextFunction, Request, Response } from 'express';
import type { Context } from '../context.js';
import { countPartnerRequest, findPartnerByKey, type Partner } from '../store/partners.js';

/** A token bucket per partner: `perMinute` requests, refilled continuously. */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** Takes one request from the partner's budget; the seconds to wait when there is none. */
  take(id: number, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
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

export function identifyPartner(ctx: Context, limiter: RateLimiter, onPartnerRequest?: (name: string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = keyOf(req);
    if (key === undefined) return next();
    const partner = findPartnerByKey(ctx.db, key);
    if (!partner || partner.revokedAt) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="wirefeed"').type('text/plain').send('Unauthorized: unknown or revoked partner key\n');
      return;
    }
    const allowed = limiter.take(partner.id);
    if (!allowed.ok) {
      res.status(429).set('Retry-After', String(allowed.retryAfterSeconds)).type('text/plain').send('Too many requests for this key\n');
      return;
    }
    countPartnerRequest(ctx.db, partner.id, new Date());
    onPartnerRequest?.(partner.name);
    res.locals.partner = partner;
    next();
  };
}

function keyOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return typeof req.query.key === 'string' ? req.query.key : undefined;
}
