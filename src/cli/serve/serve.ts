// `wirefeed serve`: the HTTP server and, in the one process that holds the
// writer lease (store/db/lease.ts), the ingest schedule with an ingest as it
// takes the lease (cli/writer.ts); other serves on the same database only
// answer requests, and one of them takes over within
// `server.writer_timeout_seconds` when the writer dies. A graceful stop on
// SIGTERM or SIGINT, after which the lease is given up at once: no new
// connections; requests in flight answered, any still open after the grace
// (`server.shutdown_grace_seconds`) cut; the running ingest aborts its
// fetches in flight (those sources are recorded as interrupted, due again at
// once) and stores the sources it has already fetched; the database is
// closed; exit 0. Whatever hangs, the process ends soon after the grace, with
// exit 1. A second signal during the stop ends the process at once.
import type { Server } from 'node:http';
import type { Context } from '../context.js';
import { createApp } from '../http/app.js';
import { createHttpServer } from '../http/server.js';
import { createMetrics } from '../observe/metrics.js';
import { startCheckpointer } from '../store/db/checkpointer.js';
import { PartnerUsage } from '../store/partner-usage.js';
import { startHealthProbe } from '../store/db/health.js';
import { startLease } from '../store/db/lease.js';
import { writerDuties } from './writer.js';

// Past the grace: time for the connections just cut to close, and the
// database after them. Then the process ends whatever is still going.
const FORCE_EXIT_AFTER_GRACE_MS = 1_000;

export async function serve(ctx: Context): Promise<void> {
  const metrics = createMetrics();
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  // A small write every few seconds, off the request path, whose result /readyz reports: in every serve, writer or not.
  const probe = startHealthProbe(ctx.db, ctx.log);
  const writer = writerDuties(ctx, metrics);
  // Partner request counts, in memory until flushed: written at shutdown too.
  const partnerUsage = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: ctx.cfg.publish.partnerUsageFlushMs });
  const server = createHttpServer(createApp(ctx, { metrics, partnerUsage }), ctx.cfg.server);
  server.on('drop', () => metrics.observeDroppedConnection());
  server.listen(ctx.cfg.port);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.cfg.port;
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl }, `serving on http://localhost:${port}`);
  const { writerHeartbeatMs: heartbeatMs, writerTimeoutMs: timeoutMs } = ctx.cfg.server;
  const lease = startLease(ctx.db, ctx.log, { heartbeatMs, timeoutMs }, (isWriter) => writer.set(isWriter));
  const shutdown = (signal: string) => {
    const graceMs = ctx.cfg.server.shutdownGraceMs;
    ctx.log.info({ event: 'shutdown', signal, grace_ms: graceMs }, 'shutting down');
    // Ending with the database open loses nothing committed: every commit is
    // in the WAL file already. Not unref'd: a stop stuck on a promise that
    // nothing will settle would otherwise end in silence with exit 0.
    setTimeout(() => {
      ctx.log.error({ event: 'shutdown_forced', after_ms: graceMs + FORCE_EXIT_AFTER_GRACE_MS }, 'stopping took too long; exiting');
      process.exit(1);
    }, graceMs + FORCE_EXIT_AFTER_GRACE_MS);
    Promise.all([drain(server, graceMs), writer.stop()])
      .then(async ([unfinished]) => {
        // Partner counts still in memory; after the drain, so that requests answered during it count too.
        partnerUsage.close();
        probe.stop();
        // Given up only now that this process's ingest has ended: the next writer starts at once.
        lease.stop();
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
