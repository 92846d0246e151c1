// The admin API, /admin/…: publish, replace and withdraw the publisher's
// articles (admin/articles.ts); pin and remove related stories
// (admin/related.ts); list, add, change, disable and import
// sources (admin/sources.ts); a partner's usage report (admin/partners.ts)
// and webhook (admin/webhooks.ts);
// run an ingest. A bearer token (config
// admin.token or WIREFEED_ADMIN_TOKEN) guards it; without one configured the
// API is off and every /admin route is a 404. Also `withdrawnArticles`,
// mounted whether or not the API is on: a withdrawn article's /articles/{id}
// answers 410 Gone.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { articleState, PublishConflict } from '../../ingest/publish-article.js';
import { ingestOnce } from '../../ingest/once.js';
import { assertHttpUrl, assertPublicUrl, type LookupAll, publicAddressesOnly } from '../../ingest/fetch/ssrf.js';
import { findSourceBySlug, listSources } from '../../store/sources.js';
import { unhealthyBecause } from '../../store/db/health.js';
import { adminArticleRoutes } from './articles.js';
import { jsonInput, sendError } from './input.js';
import { adminPartnerRoutes } from './partners.js';
import { adminRelatedRoutes } from './related.js';
import { adminSourceRoutes } from './sources.js';
import { adminWebhookRoutes } from './webhooks.js';

const BODY_LIMIT = '1mb';

export interface AdminOptions {
  /** How source hosts are resolved for the SSRF check; dns.lookup by default (tests replace it). */
  lookup?: LookupAll;
  /**
   * Hand every ingest to the writer lease's holder (serve, whose writer
   * thread holds it or takes it over) rather than trying the lease here:
   * that attempt waits on the write lock, on the thread that answers requests.
   */
  ingestsGoToWriter?: boolean;
}

/**
 * GET /articles/{id} of a withdrawn article: 410 Gone (mount before the page
 * routes); one withdrawn while under embargo was never out, and stays a 404.
 */
export function withdrawnArticles(ctx: Context): Router {
  const router = Router();
  router.get(['/articles/:id.json', '/articles/:id'], (req, res, next) => {
    const id = String(req.params.id);
    const state = /^\d+$/.test(id) ? articleState(ctx.db, Number(id)) : undefined;
    if (state?.state === 'withdrawn' && state.everOut) {
      res.status(410).type('text/plain').send(`Gone: article ${id} was withdrawn\n`);
      return;
    }
    next();
  });
  return router;
}

/** The admin routes, or undefined when no token is configured (the API is off). */
export function adminRoutes(ctx: Context, options: AdminOptions = {}): Router | undefined {
  const token = ctx.cfg.admin.token;
  if (token === undefined) return undefined;
  const expected = digest(token);
  const guard = ctx.addressGuard ?? publicAddressesOnly;
  const checkUrl = async (url: string) => {
    // Whatever allow_private_sources says, an API caller never names a file on this machine.
    if (ctx.cfg.admin.allowPrivateSources) assertHttpUrl(url);
    else await assertPublicUrl(url, options.lookup ?? guard.lookup, guard.allows);
  };

  const router = Router();
  const admin = Router();
  router.use('/admin', admin);

  // Authentication first, so that nobody without the token gets a body parsed.
  admin.use((req, res, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '');
    // Hashes have one length, so timingSafeEqual compares them whatever was sent.
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) return next();
    res.set('WWW-Authenticate', match ? 'Bearer error="invalid_token"' : 'Bearer');
    sendError(res, 401, 'a valid bearer token is required');
  });
  // A change is acknowledged only where it will last: into a database whose
  // file was deleted or replaced, or that is failing, SQLite would accept
  // the write and lose it at the next start (store/db/health.ts).
  admin.use((req, res, next) => {
    const unhealthy = req.method === 'GET' || req.method === 'HEAD' ? undefined : unhealthyBecause(ctx.db);
    if (!unhealthy) return next();
    res.set('Retry-After', '30');
    sendError(res, 503, `not written: ${unhealthy}`);
  });
  admin.use(express.json({ limit: BODY_LIMIT, strict: true }));
  admin.use(express.text({ type: ['text/x-opml', 'application/xml', 'text/xml'], limit: BODY_LIMIT }));

  admin.use(adminArticleRoutes(ctx));
  admin.use(adminRelatedRoutes(ctx));
  admin.use(adminSourceRoutes(ctx, checkUrl));
  admin.use(adminPartnerRoutes(ctx));
  admin.use(adminWebhookRoutes(ctx));

  // An ingest now: of every enabled source, or of the one named.

  admin.post('/ingest', async (req, res) => {
    let slug: string | undefined;
    // The body is optional: none (or an empty one) runs every enabled source.
    if (req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0) {
      const input = jsonInput(z.object({ source: z.string().min(1).optional() }).strict(), req, res);
      if (!input) return;
      slug = input.source;
    }
    let sources = listSources(ctx.db);
    if (slug !== undefined) {
      const source = findSourceBySlug(ctx.db, slug);
      if (!source) return sendError(res, 404, `source: no source "${slug}"`, 'source');
      if (!source.url && !source.articlesDir) return sendError(res, 400, `source: "${slug}" has nothing to fetch`, 'source');
      sources = [source];
    }
    // Through the writer (ingest/once.ts): never beside the schedule's run or another process's.
    const results = await ingestOnce(ctx, sources, slug, { handOffOnly: options.ingestsGoToWriter });
    if (!results) return sendError(res, 503, 'the writer could not run this ingest; its log says why');
    res.json({
      results: results.map((r) => ({
        source: r.source,
        status: r.status,
        http_status: r.httpStatus ?? null,
        items_seen: r.itemsSeen,
        items_prepared: r.itemsPrepared ?? null,
        items_capped: r.itemsCapped ?? 0,
        document_unchanged: r.documentUnchanged ?? false,
        items_new: r.itemsNew,
        items_updated: r.itemsUpdated,
        error: r.error ?? null,
        duration_ms: r.durationMs,
        next_due_at: r.nextDueAt?.toISOString() ?? null,
      })),
    });
  });

  admin.use((req, res) => sendError(res, 404, `no admin route ${req.method} ${req.path}`));

  // Body parser errors (malformed JSON, too large) and conflicts become JSON answers; the rest goes to the app.
  admin.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof PublishConflict) return sendError(res, 409, err.message);
    if (err.type === 'entity.parse.failed') return sendError(res, 400, 'the body is not valid JSON');
    if (err.type === 'entity.too.large') return sendError(res, 413, `the body is larger than ${BODY_LIMIT}`);
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) return sendError(res, err.status, err.message);
    next(err);
  });

  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
