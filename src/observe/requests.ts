// One log line and one metrics sample per request, whichever path answered
// it (Express, or the fast path for cached feeds). Requests are named by the
// route that answered them (its pattern, like /feeds/categories/:slug.:format),
// never by the raw URL, so that metrics keep a bounded set of labels. The
// logged URL has the values of credential-looking query parameters masked
// (a partner's `key`, a `token` pasted by hand: redact.ts); no header is
// logged at all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import { redactUrl } from './redact.js';
import { requestLine } from './request-line.js';

/** Probes hit these every few seconds: their lines are logged at debug, not info. */
const probes = new Set(['/healthz', '/readyz', '/metrics']);

interface AnsweredRequest {
  method: string;
  /** As requested: path and query. */
  url: string;
  route: string;
  status: number;
  /** performance.now() when the request arrived. */
  started: number;
  bodyBytes: number;
  /** The client went away before the whole response was sent. */
  aborted?: true;
}

/** Records one more request to a URL whose method and route are known beforehand. */
export type UrlRecorder = (status: number, started: number, bodyBytes: number) => void;

export interface RequestObserver {
  /**
   * A recorder for the many requests to one method, URL and route: the log
   * line's fixed fields are serialized once (request-line.ts) rather than
   * for every request. The fast path for cached feeds uses it.
   */
  recorderFor(method: string, url: string, route: string): UrlRecorder;
  /** Records `req` when its response closes; `route` is read then. */
  watch(req: IncomingMessage, res: ServerResponse, started: number, route: () => string): void;
}

export function requestObserver(log: Log, metrics: Metrics): RequestObserver {
  /** Counts the request and gives its duration in milliseconds, to a tenth, for its log line. */
  const observe = (method: string, route: string, status: number, started: number): number => {
    const seconds = (performance.now() - started) / 1000;
    metrics.observeRequest({ method, route, status, seconds });
    return Math.round(seconds * 10_000) / 10;
  };
  const levelOf = (route: string) => (probes.has(route) ? 'debug' : 'info');
  /** Logs and counts a request whose response has been sent (or cut short). */
  const record = ({ method, url, route, status, started, bodyBytes, aborted }: AnsweredRequest): void => {
    const durationMs = observe(method, route, status, started);
    log[levelOf(route)](
      { event: 'request', method, route, url: redactUrl(url), status, duration_ms: durationMs, bytes: bodyBytes, aborted },
      'request',
    );
  };
  return {
    recorderFor(method, url, route) {
      const line = requestLine(log, levelOf(route), { method, route, url: redactUrl(url) });
      return (status, started, bodyBytes) => line(status, observe(method, route, status, started), bodyBytes);
    },
    watch(req, res, started, route) {
      // Express rewrites req.url while routing; the URL as requested is read now.
      const url = req.url ?? '/';
      const method = req.method ?? 'GET';
      res.once('close', () => {
        const status = res.statusCode;
        const aborted = res.writableFinished ? undefined : true;
        record({ method, url, route: route(), status, started, bodyBytes: bodyBytes(method, res), aborted });
      });
    },
  };
}

/** The Express middleware: the route is the one that matched, known once the response is done. */
export function observeRequests(observer: RequestObserver, aimedAt?: (path: string) => string | undefined): RequestHandler {
  return (req, res, next) => {
    observer.watch(req, res, performance.now(), () => routeOf(req, aimedAt));
    next();
  };
}

/**
 * The pattern of the route that answered, with the prefix of the router it
 * is mounted under; for a request no route answered (a 401 before routing, a
 * 405), the route it was aimed at, when `aimedAt` knows it; else "unmatched".
 */
export function routeOf(req: Request, aimedAt?: (path: string) => string | undefined): string {
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return aimedAt?.(req.path) ?? 'unmatched';
}

/** Body bytes sent: what Content-Length declared, none for HEAD and bodiless statuses (RFC 9110 6.4.1). */
export function bodyBytes(method: string, res: ServerResponse): number {
  if (method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) return 0;
  return Number(res.getHeader('Content-Length') ?? 0);
}
