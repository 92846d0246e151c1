// The Express application: routes only, no business logic.
import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { FeedCache } from '../publish/cache.js';
import { adminRoutes, withdrawnArticles } from './admin.js';
import { feedRoutes } from './feeds.js';
import { cacheControlFor } from './conditional.js';
import { FastFeeds } from './fast-feeds.js';
import { observeRequests, requestObserver } from './observe.js';
import { contentVersion } from '../store/content-version.js';
import { noteDatabaseError } from '../store/health.js';
import { opsRoutes } from './ops.js';
import { pageRoutes } from './pages.js';
import { identifyPartner, RateLimiter } from './partner.js';
import { statusRoutes } from './status.js';

export interface AppOptions {
  /** Shared with the scheduler, which counts ingests into it; a fresh registry when absent. */
  metrics?: Metrics;
}

/** A node:http request listener: give it to createServer, or to supertest. */
export type App = RequestListener;

/**
 * The fast path for cached public feeds (fast-feeds.ts) first, then the
 * Express app for everything else.
 */
export function createApp(ctx: Context, options: AppOptions = {}): App {
  const metrics = options.metrics ?? createMetrics();
  const cache = new FeedCache(ctx.cfg.publish.cacheBytes);
  metrics.watchFeedCache(cache);
  const observer = requestObserver(ctx.log, metrics);
  const fast = new FastFeeds(cache, () => contentVersion(ctx.db), cacheControlFor(ctx.cfg.publish.maxAgeSeconds, false), observer);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use(observeRequests(observer));
  // No answer of ours is to be sniffed into another type (a JSON body or a feed read as HTML).
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(opsRoutes(ctx, metrics));
  // Off (a 404 like any unknown path) unless an admin token is configured.
  const admin = adminRoutes(ctx);
  if (admin) app.use(admin);
  // Every public route below knows its reader: the public, or a partner (a bad key is a 401 on any of them).
  const partners = identifyPartner(ctx, new RateLimiter(ctx.cfg.publish.partnerRequestsPerMinute), (id) => metrics.observePartnerRequest(id));
  app.use((req, res, next) => (/^\/admin(\/|$)/i.test(req.path) ? next() : partners(req, res, next)));
  app.use(statusRoutes(ctx));
  app.use(withdrawnArticles(ctx));
  app.use(pageRoutes(ctx));
  app.use(feedRoutes(ctx, cache, fast));
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}\n`);
  });
  // Express 5 hands thrown errors here: log them, answer without a stack trace.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    ctx.log.error({ event: 'request_failed', method: req.method, path: req.path, err }, 'request failed');
    // A corrupt page or a failed write (admin changes end here too) makes /readyz say so.
    noteDatabaseError(ctx.db, err);
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal error\n');
  });
  return (req, res) => {
    // The fast path runs outside Express: whatever it throws (a database read
    // that fails) would escape the server's listener and end the process.
    // Express answers instead, and its error handler records the fault.
    let answered = false;
    try {
      answered = fast.answer(req, res);
    } catch (err) {
      ctx.log.warn({ event: 'fast_path_failed', err }, 'fast path failed; Express answers');
    }
    if (!answered && !res.headersSent) app(req, res);
  };
}
