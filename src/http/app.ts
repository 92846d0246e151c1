// The Express application: routes only, no business logic.
import { type IncomingMessage, type RequestListener, type ServerResponse, STATUS_CODES } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { changeBacklog } from '../store/changed-keys.js';
import { FeedCache } from '../publish/cache.js';
import { adminRoutes, withdrawnArticles } from './admin/routes.js';
import { feedRoutes, notFound } from './feeds.js';
import { aimedRoute } from '../observe/aimed-route.js';
import { cachingFor } from './conditional.js';
import { corsPreflight, corsPublic } from './partner.js';
import { BUILT_IN_HUB_PATH } from '../config/config.js';
import { hubRoutes } from './hub.js';
import { FastFeeds } from './fast-feeds.js';
import { observeRequests, requestObserver } from '../observe/requests.js';
import { contentVersion } from '../store/content-version.js';
import { databaseFault, isBusy } from '../store/db/faults.js';
import { noteDatabaseError } from '../store/db/health.js';
import { PartnerUsage } from '../store/partner-usage.js';
import { opsRoutes } from './ops.js';
import { pageRoutes } from './pages.js';
import { siteRoutes } from './site/routes.js';
import { type Budget, identifyPartner, RateLimiter, type UsageCounter } from './partner.js';
import { toPrimary } from './to-primary.js';

export interface AppOptions {
  /** Shared with the scheduler, which counts ingests into it; a fresh registry when absent. */
  metrics?: Metrics;
  /**
   * Where partner requests are tallied: serve passes the one it flushes at
   * shutdown, tests one they flush before reading counts. Absent: the app's
   * own, written by its timer only.
   */
  partnerUsage?: UsageCounter;
  /** A partner's request budget: by default this app's own RateLimiter; a reader process asks serve's primary (cli/serve/readers-ipc.ts). */
  budget?: Budget;
  /** The /metrics text, when it is not this process's registry alone (serve's primary adds up its readers'). */
  metricsText?: () => Promise<string>;
  /** A reader process of serve --readers N: the port on which its primary answers /admin and /metrics (to-primary.ts). */
  primaryPort?: number;
  /** serve: ingests asked for over HTTP are handed to the writer thread (admin/routes.ts). */
  ingestsGoToWriter?: boolean;
  /** serve: /readyz is a 503 until the first ingest has finished on a database without articles (ops.ts). */
  awaitFirstIngest?: boolean;
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
  if (ctx.cfg.edge.purgers.length > 0) metrics.watchPurgeBacklog(() => changeBacklog(ctx.db, Date.now()));
  // The hub's queue is counted once per serve, where the admin changes are made: not in a reader.
  if (options.primaryPort === undefined && ctx.cfg.websub.builtIn) metrics.watchHub(ctx.db);
  if (options.primaryPort === undefined) metrics.watchWebhooks(ctx.db);
  const observer = requestObserver(ctx.log, metrics);
  const fast = new FastFeeds(cache, () => contentVersion(ctx.db), cachingFor(ctx.cfg, false), observer);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  // Before the request log and counts: the primary logs and counts what it answers.
  // The built-in hub's requests too: the primary records them, as it makes admin changes.
  if (options.primaryPort !== undefined) app.use(['/admin', '/metrics', ...(ctx.cfg.websub.builtIn ? [BUILT_IN_HUB_PATH] : [])], toPrimary(options.primaryPort));
  // Read through `app.router` once the routes below are in place.
  const aimedAt = (path: string) => aimedRoute(app.router, path);
  app.use(observeRequests(observer, (path) => aimedAt(path)?.pattern));
  // No answer of ours is to be sniffed into another type (a JSON body or a feed read as HTML).
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(opsRoutes(ctx, metrics, { metricsText: options.metricsText, awaitFirstIngest: options.awaitFirstIngest }));
  app.use(corsPreflight);
  // Off (a 404 like any unknown path) unless an admin token is configured.
  const admin = adminRoutes(ctx, { ingestsGoToWriter: options.ingestsGoToWriter });
  if (admin) app.use(admin);
  // The built-in WebSub hub's endpoint (off: a 404 like any unknown path).
  const hub = hubRoutes(ctx);
  if (hub) app.use(hub);
  // Every public route below knows its reader: the public, or a partner (a bad key is a 401 on any of them).
  const usage = options.partnerUsage ?? new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: ctx.cfg.publish.partnerUsageFlushMs });
  const budget = options.budget ?? new RateLimiter(ctx.cfg.publish.partnerRequestsPerMinute);
  const partners = identifyPartner(ctx, budget, usage, (id) => metrics.observePartnerRequest(id));
  app.use((req, res, next) => (/^\/admin(\/|$)/i.test(req.path) ? next() : partners(req, res, next)));
  app.use(corsPublic);
  app.use(withdrawnArticles(ctx));
  // The HTML pages, and the preview of a feed a browser opens, ahead of the JSON and feed routes of the same paths.
  app.use(siteRoutes(ctx, cache));
  app.use(pageRoutes(ctx));
  app.use(feedRoutes(ctx, cache, fast));
  app.use((req, res) => {
    // A route that exists but not for this method (a POST to a feed) is a 405 naming the methods it takes (RFC 9110 15.5.6).
    const aimed = aimedAt(req.path);
    if (aimed && !aimed.methods.has(req.method.toLowerCase())) {
      const allow = [...(aimed.methods.has('get') ? ['GET', 'HEAD'] : []), ...[...aimed.methods].filter((m) => m !== 'get' && m !== 'head').map((m) => m.toUpperCase())];
      res.status(405).set('Allow', allow.join(', ')).type('text/plain').send(`Method not allowed: ${req.method} ${shortened(req.path)}; allowed: ${allow.join(', ')}\n`);
      return;
    }
    notFound(res, shortened(req.path));
  });
  // Express 5 hands thrown errors here. A client's mistake is a 4xx that
  // says what it is; anything else is our bug: logged, and a 500 without a
  // stack trace.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    const refusal = clientError(err, req.originalUrl);
    if (refusal) {
      if (!res.headersSent) res.status(refusal.status).type('text/plain').send(`${refusal.message}\n`);
      return;
    }
    ctx.log.error({ event: 'request_failed', method: req.method, path: req.path, err }, 'request failed');
    // A corrupt page or a failed write (admin changes end here too) makes /readyz say so.
    noteDatabaseError(ctx.db, err);
    if (res.headersSent) return;
    // Neither the client's fault nor a bug of ours: the database is held by
    // another writer past busy_timeout, or its file failed. Say so, and when
    // to try again (RFC 9110 15.6.4), rather than a bare 500.
    if (databaseUnavailable(err)) {
      res.status(503).set('Retry-After', '5').type('text/plain').send('Service unavailable: the database is busy or failing; try again shortly\n');
      return;
    }
    res.status(500).type('text/plain').send('Internal error\n');
  });
  const unrouted = unroutedRequests(ctx);
  // An Express app takes a third argument, called when nothing answered; its types leave it out.
  const handle = app as unknown as (req: IncomingMessage, res: ServerResponse, done: (err?: unknown) => void) => void;
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
    if (!answered && !res.headersSent) handle(req, res, (err) => unrouted(err, req, res));
  };
}

/** A lock held past busy_timeout, or a fault of the database file (store/db/faults.ts). */
function databaseUnavailable(err: unknown): boolean {
  return isBusy(err) || databaseFault(err) !== undefined;
}

/** Paths echoed in messages are cut to this many characters. */
const MAX_ECHOED_PATH = 200;

function shortened(path: string): string {
  return path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}…` : path;
}

/**
 * The status and message for an error that is the client's, or undefined.
 * The router decodes route parameters with decodeURIComponent and passes on
 * its URIError, marked status 400, when an escape does not spell UTF-8 (RFC
 * 3986 2.5): "%ff", a truncated "%E0%A4", an encoded surrogate, an overlong
 * form. Other 4xx errors (body parsers, http-errors) carry their status, and
 * `expose` when their message is meant for the client.
 */
function clientError(err: Error & { status?: unknown; expose?: unknown }, originalUrl: string): { status: number; message: string } | undefined {
  const status = err.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (err instanceof URIError) {
    const path = originalUrl.split('?')[0] ?? '';
    return { status, message: `Bad request: malformed percent-encoding in the path ${JSON.stringify(shortened(path))} (each %XX escape must spell UTF-8)` };
  }
  const reason = STATUS_CODES[status] ?? 'Bad request';
  return { status, message: err.expose === true ? `${reason}: ${err.message}` : reason };
}

/**
 * What Express's router leaves to the app's caller: a request whose target
 * it cannot parse as a URL at all (it sees no path, so no middleware runs),
 * like "http://[::1/feeds" in absolute form; and an error our error
 * middleware passed on, which does not happen. Without this callback
 * Express's final handler would answer with an HTML page.
 */
function unroutedRequests(ctx: Context) {
  return (err: unknown, req: IncomingMessage, res: ServerResponse): void => {
    if (res.headersSent) return void res.end();
    if (err) ctx.log.error({ event: 'request_failed', method: req.method, url: req.url, err }, 'request failed');
    const body = Buffer.from(err ? 'Internal error\n' : 'Bad request: the request target is not a path\n');
    res.writeHead(err ? 500 : 400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }).end(body);
  };
}
