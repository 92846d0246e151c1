// Feed routes: /feeds/all, /feeds/categories/{slug} and /feeds/sources/{slug},
// each as .rss, .atom and .json. Handlers only look up, query and render.
import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { buildDocument, contentTypes, type FeedFormat, feedFormats, type FeedSpec } from '../publish/document.js';
import { FeedCache } from '../publish/cache.js';
import { renderFeed } from '../publish/render.js';
import { findCategory } from '../store/categories.js';
import { type FeedFilter, listFeedArticles } from '../store/feeds.js';
import { contentVersion } from '../store/content-version.js';
import { findSourceBySlug } from '../store/sources.js';
import { sendCachedFeed } from './conditional.js';

const MAX_LIMIT = 200;

/** The context of the feed routes: the app's, plus its render cache. */
interface FeedContext extends Context {
  cache: FeedCache;
}

export function feedRoutes(appCtx: Context): Router {
  const ctx: FeedContext = { ...appCtx, cache: new FeedCache(appCtx.cfg.publish.cacheBytes) };
  const router = Router();
  const site = ctx.cfg.site;

  // A feed already rendered at the current content version is answered from
  // the cache (or with a 304) before any lookup, query or rendering.
  router.use('/feeds', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const cached = ctx.cache.get(cacheKey(req), contentVersion(ctx.db));
    if (cached) return sendCachedFeed(req, res, cached, ctx.cfg.publish.maxAgeSeconds);
    next();
  });

  router.get('/feeds/all.:format', (req, res) => {
    sendFeed(ctx, req, res, { kind: 'all' }, { path: '/feeds/all', title: site.title, description: site.description });
  });

  router.get('/feeds/categories/:slug.:format', (req, res) => {
    const category = findCategory(ctx.db, String(req.params.slug));
    if (!category) return notFound(res, `no category "${req.params.slug}"`);
    sendFeed(ctx, req, res, { kind: 'category', slug: category.slug }, {
      path: `/feeds/categories/${category.slug}`,
      title: `${site.title}: ${category.label}`,
      description: `${category.label} stories from ${site.title}`,
    });
  });

  router.get('/feeds/sources/:slug.:format', (req, res) => {
    const source = findSourceBySlug(ctx.db, String(req.params.slug));
    if (!source) return notFound(res, `no source "${req.params.slug}"`);
    sendFeed(ctx, req, res, { kind: 'source', sourceId: source.id }, {
      path: `/feeds/sources/${source.slug}`,
      title: `${site.title}: ${source.name}`,
      description: `Stories from ${source.name}, via ${site.title}`,
    });
  });

  return router;
}

/** The request's path with its query parameters in a fixed order: one entry per distinct feed page. */
function cacheKey(req: Request): string {
  const url = new URL(req.originalUrl, 'http://wirefeed.invalid');
  url.searchParams.sort();
  return `${url.pathname}?${url.searchParams}`;
}

function sendFeed(ctx: FeedContext, req: Request, res: Response, filter: FeedFilter, spec: FeedSpec): void {
  const format = String(req.params.format);
  if (!feedFormats.includes(format as FeedFormat)) return notFound(res, `no feed format ".${format}" (use .rss, .atom or .json)`);
  const limit = parseLimit(req.query.limit, ctx.cfg.publish.limit);
  if (limit === undefined) {
    res.status(400).type('text/plain').send(`limit must be a whole number from 1 to ${MAX_LIMIT}\n`);
    return;
  }
  // The version is read before the query: a write that lands while this
  // renders leaves the entry stale (re-rendered next time), never wrong.
  const version = contentVersion(ctx.db);
  const doc = buildDocument(ctx.cfg, spec, listFeedArticles(ctx.db, filter, limit));
  const rendered = ctx.cache.set(cacheKey(req), version, {
    body: renderFeed(doc, format as FeedFormat),
    contentType: contentTypes[format as FeedFormat],
    lastModified: doc.items.length > 0 ? doc.updated : undefined,
  });
  sendCachedFeed(req, res, rendered, ctx.cfg.publish.maxAgeSeconds);
}

function parseLimit(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

export function notFound(res: Response, message: string): void {
  res.status(404).type('text/plain').send(`Not found: ${message}\n`);
}
