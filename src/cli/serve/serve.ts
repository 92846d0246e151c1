// `wirefeed serve`: the HTTP server and, in a thread of its own, the writer
// (writer-thread.ts): the writer lease (store/db/lease.ts) and, while this
// process holds it, the ingest schedule with an ingest as it takes the
// lease. Other serves on the same database only answer requests, and one of
// them takes over within `server.writer_timeout_seconds` when the writer
// dies. With `server.readers` above 1 (the default: one per core) the HTTP
// server runs in that many reader processes (readers.ts, reader.ts); with 1
// it runs here, in one process, which is what this module does itself.
//
// A graceful stop on SIGTERM or SIGINT (drain.ts), after which the lease is
// given up at once: no new connections; requests in flight answered, any
// still open after the grace (`server.shutdown_grace_seconds`) cut; the
// running ingest aborts its fetches in flight (those sources are recorded
// as interrupted, due again at once) and stores the sources it has already
// fetched; the database is closed; exit 0. Whatever hangs, the process ends
// soon after the grace, with exit 1. A second signal during the stop ends
// the process at once.
import type { Context } from '../../context.js';
import { createApp } from '../../http/app.js';
import { createHttpServer } from '../../http/server.js';
import { createMetrics } from '../../observe/metrics.js';
import { startCheckpointer } from '../../store/db/checkpointer.js';
import { PartnerUsage } from '../../store/partner-usage.js';
import { startHealthProbe } from '../../store/db/health.js';
import { drain, listen, stopOnSignal } from './drain.js';
import { serveAsReader } from './reader.js';
import { serveWithReaders } from './readers.js';
import { startWriterThread } from './writer.js';

export async function serve(ctx: Context, isReader: boolean): Promise<void> {
  if (isReader) return serveAsReader(ctx);
  if (ctx.cfg.server.readers > 1) return serveWithReaders(ctx);
  const metrics = createMetrics();
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  // A small write every few seconds, off the request path, whose result /readyz reports: in every serve, writer or not.
  const probe = startHealthProbe(ctx.db, ctx.log);
  // Partner request counts, in memory until flushed: written at shutdown too.
  const partnerUsage = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: ctx.cfg.publish.partnerUsageFlushMs });
  const server = createHttpServer(createApp(ctx, { metrics, partnerUsage, ingestsGoToWriter: true, awaitFirstIngest: true }), ctx.cfg.server);
  server.on('drop', () => metrics.observeDroppedConnection());
  const port = await listen(server, ctx.cfg.port);
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl }, `serving on http://localhost:${port}`);
  const writer = startWriterThread(ctx, metrics);
  const graceMs = ctx.cfg.server.shutdownGraceMs;
  stopOnSignal(ctx.log, graceMs, async () => {
    const [unfinished] = await Promise.all([drain(server, graceMs), writer.stop()]);
    // Partner counts still in memory; after the drain, so that requests answered during it count too.
    partnerUsage.close();
    probe.stop();
    await checkpointer.stop();
    ctx.db.close();
    ctx.log.info({ event: 'stopped', connections_cut: unfinished }, 'stopped');
  });
}
