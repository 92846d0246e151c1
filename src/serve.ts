// `wirefeed serve`: the HTTP server and the ingest schedule in one process,
// an ingest at start, and a graceful stop on SIGTERM or SIGINT: no new
// connections, requests in flight answered (for at most SHUTDOWN_GRACE_MS),
// the running ingest ends after the sources it has started, the database is
// closed, exit 0. A second signal during the stop ends the process at once.
import type { Server } from 'node:http';
import type { Context } from './context.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http-server.js';
import { createMetrics } from './metrics.js';
import { startScheduler } from './scheduler.js';
import { startCheckpointer } from './store/checkpointer.js';

const SHUTDOWN_GRACE_MS = 10_000;

export async function serve(ctx: Context): Promise<void> {
  const metrics = createMetrics();
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  const scheduler = startScheduler(ctx, metrics.ingest);
  const server = createHttpServer(createApp(ctx, { metrics }), ctx.cfg.server);
  server.on('drop', () => metrics.observeDroppedConnection());
  server.listen(ctx.cfg.port);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.cfg.port;
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl }, `serving on http://localhost:${port}`);
  if (ctx.cfg.ingest.onStart) {
    scheduler.tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'ingest at start failed'));
  }
  const shutdown = (signal: string) => {
    ctx.log.info({ event: 'shutdown', signal }, 'shutting down');
    Promise.all([drain(server, SHUTDOWN_GRACE_MS), scheduler.stop()])
      .then(async ([unfinished]) => {
        await checkpointer.stop();
        ctx.db.close();
        ctx.log.info({ event: 'stopped', connections_cut: unfinished }, 'stopped');
      })
      .catch((err: unknown) => {
        ctx.log.error({ event: 'shutdown_failed', err }, 'shutdown failed');
        process.exitCode = 1;
      })
      .finally(() => process.exit());
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/**
 * Stops accepting connections and waits for those open to finish their
 * requests; a keep-alive connection is closed as soon as it is idle. After
 * `graceMs` the rest are cut. Resolves with the number cut.
 */
function drain(server: Server, graceMs: number): Promise<number> {
  return new Promise((resolve) => {
    let cut = 0;
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      server.getConnections((_err, count) => {
        cut = count;
        server.closeAllConnections();
      });
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve(cut);
    });
    server.closeIdleConnections();
  });
}
