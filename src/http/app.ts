// The Express application: routes only, no business logic.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Context } from '../context.js';
import { feedRoutes } from './feeds.js';
import { pageRoutes } from './pages.js';

export function createApp(ctx: Context): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use(pageRoutes(ctx));
  app.use(feedRoutes(ctx));
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}\n`);
  });
  // Express 5 hands thrown errors here: log them, answer without a stack trace.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    ctx.log.error({ event: 'request_failed', method: req.method, path: req.path, err }, 'request failed');
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal error\n');
  });
  return app;
}
