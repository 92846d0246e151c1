// `serve` with `server.readers` above 1: this process, node:cluster's
// primary, forks that many reader processes (reader.ts), which share the
// public port (the primary hands each new connection to the next reader in
// turn) and answer HTTP. It keeps the rest for itself, off the readers'
// event loops: the writer thread (writer.ts: the lease, the ingest), the
// health probe, WAL checkpoints, every reader's partner budgets and counts
// (readers-ipc.ts), and, on a private loopback port, the admin API and
// /metrics that the readers pass on to it (http/to-primary.ts). A reader
// that ends unasked is started again a second later.
//
// On SIGTERM or SIGINT the readers are sent SIGTERM and drain as a single
// serve does, the ingest stops beside them, and once they have ended the
// primary writes the last partner counts, closes the database and exits.
import cluster, { type Worker } from 'node:cluster';
import type { Context } from '../../context.js';
import { createApp } from '../../http/app.js';
import { RateLimiter } from '../../http/partner.js';
import { createHttpServer } from '../../http/server.js';
import { createMetrics } from '../../observe/metrics.js';
import { startCheckpointer } from '../../store/db/checkpointer.js';
import { startHealthProbe } from '../../store/db/health.js';
import { PartnerUsage } from '../../store/partner-usage.js';
import { drain, listen, stopOnSignal } from './drain.js';
import { PRIMARY_PORT_ENV } from './reader.js';
import { answerReader, clusterMetricsText } from './readers-ipc.js';
import { startWriterThread } from './writer.js';

const RESTART_AFTER_MS = 1_000;

export async function serveWithReaders(ctx: Context): Promise<void> {
  const { readers: count, shutdownGraceMs: graceMs } = ctx.cfg.server;
  const metrics = createMetrics();
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  const probe = startHealthProbe(ctx.db, ctx.log);
  const partnerUsage = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: ctx.cfg.publish.partnerUsageFlushMs });
  const limiter = new RateLimiter(ctx.cfg.publish.partnerRequestsPerMinute);
  const app = createApp(ctx, { metrics, partnerUsage, budget: limiter, ingestsGoToWriter: true, awaitFirstIngest: true, metricsText: () => clusterMetricsText(metrics.registry) });
  const internal = createHttpServer(app, ctx.cfg.server);
  const primaryPort = await listen(internal, 0, '127.0.0.1');

  const readers = new Set<Worker>();
  let stopping = false;
  const fork = () => {
    if (stopping) return;
    const worker = cluster.fork({ [PRIMARY_PORT_ENV]: String(primaryPort) });
    readers.add(worker);
    answerReader(worker, limiter, partnerUsage);
    worker.once('exit', (code, signal) => {
      readers.delete(worker);
      if (stopping) return;
      ctx.log.error({ event: 'reader_exited', reader: worker.process.pid, code, signal }, 'a reader process ended; starting another');
      setTimeout(fork, RESTART_AFTER_MS).unref();
    });
  };
  for (let i = 0; i < count; i++) fork();
  ctx.log.info({ event: 'readers_started', readers: count, primary: process.pid }, `${count} reader processes`);
  const writer = startWriterThread(ctx, metrics);

  stopOnSignal(ctx.log, graceMs, async () => {
    stopping = true;
    const ended = [...readers].map((worker) => new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      worker.once('exit', () => resolve());
      // A signal rather than a message: a reader still starting has no listener for messages yet, and dies of it at once.
      worker.process.kill('SIGTERM');
    }));
    await Promise.all([...ended, writer.stop()]);
    // After the readers: they may still be waiting on an admin request passed here.
    await drain(internal, graceMs);
    partnerUsage.close();
    probe.stop();
    await checkpointer.stop();
    ctx.db.close();
    ctx.log.info({ event: 'stopped', readers: count }, 'stopped');
  });
}
