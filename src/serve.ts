// `wirefeed serve`: the HTTP server and the ingest schedule in one process,
// an ingest at start, and a graceful stop on SIGTERM or SIGINT.
import type { Server } from 'node:http';
import type { Context } from './context.js';
import { createApp } from './http/app.js';
import { startScheduler } from './scheduler.js';

export async function serve(ctx: Context): Promise<void> {
  const scheduler = startScheduler(ctx);
  const server: Server = createApp(ctx).listen(ctx.cfg.port);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.cfg.port;
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl }, `serving on http://localhost:${port}`);
  if (ctx.cfg.ingest.onStart) {
    scheduler.tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'ingest at start failed'));
  }
  const shutdown = (signal: string) => {
    ctx.log.info({ event: 'shutdown', signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    scheduler
      .stop()
      .then(() => ctx.db.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
