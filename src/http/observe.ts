// One log line and one metrics sample per request, once its response is
// done. Requests are named by the Express route that answered them (its
// pattern, like /feeds/categories/:slug.:format), never by the raw URL, so
// that metrics keep a bounded set of labels. The logged URL loses its `key`
// parameter (a partner's secret); no header is logged at all.
import type { Request, RequestHandler, Response } from 'express';
import type { Log } from '../log.js';
import type { Metrics } from '../metrics.js';

/** Probes hit these every few seconds: their lines are logged at debug, not info. */
const probes = new Set(['/healthz', '/readyz', '/metrics']);

export function observeRequests(log: Log, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeOf(req);
      metrics.observeRequest({ method: req.method, route, status: res.statusCode, seconds });
      log[probes.has(route) ? 'debug' : 'info'](
        {
          event: 'request',
          method: req.method,
          route,
          url: withoutKey(req.originalUrl),
          status: res.statusCode,
          duration_ms: Math.round(seconds * 10_000) / 10,
          bytes: bodyBytes(req, res),
          // The client went away before the whole response was sent.
          aborted: res.writableFinished ? undefined : true,
        },
        'request',
      );
    });
    next();
  };
}

/** The pattern of the route that answered, with the prefix of the router it is mounted under. */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** The URL as requested, without any `key` query parameter. */
export function withoutKey(originalUrl: string): string {
  const at = originalUrl.indexOf('?');
  if (at < 0) return originalUrl;
  const query = new URLSearchParams(originalUrl.slice(at + 1));
  if (!query.has('key')) return originalUrl;
  query.delete('key');
  const rest = query.toString();
  return rest ? `${originalUrl.slice(0, at)}?${rest}` : originalUrl.slice(0, at);
}

/** Body bytes sent: what Content-Length declared, none for HEAD and bodiless statuses (RFC 9110 6.4.1). */
function bodyBytes(req: Request, res: Response): number {
  if (req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) return 0;
  return Number(res.getHeader('Content-Length') ?? 0);
}
