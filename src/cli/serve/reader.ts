// A reader process of `serve --readers N` (forked by readers.ts): it answers
// HTTP on the shared port and never writes on a request's path. Its own
// connection reads the database in WAL mode beside the writer's commits (the
// content version tells its feed cache when they change). The admin API and
// /metrics are passed to the primary (http/to-primary.ts); a partner's budget
// is the primary's and its counts are sent there (readers-ipc.ts). Like
// every serve it runs the health probe, so that its /readyz finds out for
// itself that the disk is full.
//
// It stops, like serve, on SIGTERM or SIGINT (the primary sends SIGTERM), or when
// the primary is gone (its IPC channel closes: killed, crashed): a reader
// never outlives the process that would start it again.
import type { Context } from '../../context.js';
import { createApp } from '../../http/app.js';
import { RateLimiter } from '../../http/partner.js';
import { createHttpServer } from '../../http/server.js';
import { createMetrics } from '../../observe/metrics.js';
import { startHealthProbe } from '../../store/db/health.js';
import { drain, listen, stopOnSignal } from './drain.js';
import { answerMetrics, primaryBudget, usageToPrimary } from './readers-ipc.js';

/** Set by the primary in the reader's environment: where it answers /admin and /metrics. */
export const PRIMARY_PORT_ENV = 'WIREFEED_PRIMARY_PORT';

export async function serveAsReader(ctx: Context): Promise<void> {
  const primaryPort = Number(process.env[PRIMARY_PORT_ENV]);
  const metrics = createMetrics();
  answerMetrics(metrics.registry);
  const probe = startHealthProbe(ctx.db, ctx.log);
  const usage = usageToPrimary();
  const budget = primaryBudget(new RateLimiter(ctx.cfg.publish.partnerRequestsPerMinute));
  const server = createHttpServer(createApp(ctx, { metrics, partnerUsage: usage, budget, primaryPort, awaitFirstIngest: true }), ctx.cfg.server);
  server.on('drop', () => metrics.observeDroppedConnection());
  const port = await listen(server, ctx.cfg.port);
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl, reader: process.pid }, `reader ${process.pid} serving on http://localhost:${port}`);
  const graceMs = ctx.cfg.server.shutdownGraceMs;
  const stop = stopOnSignal(ctx.log, graceMs, async () => {
    const unfinished = await drain(server, graceMs);
    await usage.close();
    probe.stop();
    ctx.db.close();
    ctx.log.info({ event: 'stopped', connections_cut: unfinished, reader: process.pid }, 'reader stopped');
  });
  process.once('disconnect', () => stop('primary_gone'));
}
