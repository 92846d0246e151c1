// The Express application: routes only, no business logic.
import express, { type Express } from 'express';
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
  return app;
}
