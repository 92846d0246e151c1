// Feed routes: /feeds/all, /feeds/categories/{slug} and /feeds/sources/{slug},
// each as .rss, .atom and .json. Handlers only look up, query and render.
import { Router, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { buildDocument, contentTypes, type FeedFormat, feedFormats, type FeedSpec } from '../publish/document.js';
import { renderFeed } from '../publish/render.js';
import { findCategory } from '../store/categories.js';
import { type FeedFilter, listFeedArticles } from '../store/feeds.js';
import { findSourceBySlug } from '../store/sources.js';

const MAX_LIMIT = 200;

export function feedRoutes(ctx: Context): Router {
  const router = Router();
  const site = ctx.cfg.site;

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

function sendFeed(ctx: Context, req: Request, res: Response, filter: FeedFilter, spec: FeedSpec): void {
  const format = String(req.params.format);
  if (!feedFormats.includes(format as FeedFormat)) return notFound(res, `no feed format ".${format}" (use .rss, .atom or .json)`);
  const limit = parseLimit(req.query.limit, ctx.cfg.publish.limit);
  if (limit === undefined) {
    res.status(400).type('text/plain').send(`limit must be a whole number from 1 to ${MAX_LIMIT}\n`);
    return;
  }
  const doc = buildDocument(ctx.cfg, spec, listFeedArticles(ctx.db, filter, limit));
  res.set('Content-Type', contentTypes[format as FeedFormat]);
  res.set('Cache-Control', 'public, max-age=300');
  if (doc.items.length > 0) res.set('Last-Modified', doc.updated.toUTCString());
  // Express adds an ETag from the body and answers 304 to a matching If-None-Match.
  res.send(renderFeed(doc, format as FeedFormat));
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
