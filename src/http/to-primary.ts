// In a reader process of `serve --readers N` (cli/reader.ts): the requests
// that only serve's primary can answer, passed to it on its private
// loopback port and its answer passed back as it comes. The admin API,
// because its changes are the writer's to make (PRODUCT.md, "Processes");
// /metrics, because the primary adds up every process's figures.
//
// Our own rather than a proxy library: the target is one fixed loopback
// port of ours, there is no rewriting, no WebSocket and no load balancing,
// and the maintained proxies for Express wrap http-proxy, which has had no
// release since 2020. node:http's request piped both ways is all it takes.
import { request as httpRequest } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** Hop-by-hop headers (RFC 9110 7.6.1): they are this connection's, not the request's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function toPrimary(port: number) {
  return (req: Request, res: Response, _next: NextFunction): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
    const forwardedFor = req.socket.remoteAddress;
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.originalUrl, headers }, (answer) => {
      const passed: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) passed[name] = value;
      res.writeHead(answer.statusCode ?? 502, passed);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.status(503).set('Retry-After', '1').type('text/plain').send('Service unavailable: the server is restarting; try again\n');
    });
    // A client that goes away ends the request to the primary too (an admin ingest it waits on goes on there).
    res.on('close', () => res.writableFinished || upstream.destroy());
    req.pipe(upstream);
  };
}
