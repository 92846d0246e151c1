// Routes for the operator's machines: /healthz (the process is alive),
// /readyz (it can serve: the database answers, is still the file opened at
// start, has met no corruption and can be written (store/db/health.ts), and
// carries every migration this build ships) and /metrics (Prometheus text
// format). Plain text, never cached. /readyz reads and stats; it never writes.
// Under serve (awaitFirstIngest), /readyz also waits for the archive: on a
// fresh database it is a 503 until the first ingest has finished, so that a
// load balancer does not send readers (and a CDN) an empty feed.
import { Router } from 'express';
import type { Context } from '../context.js';
import type { Metrics } from '../observe/metrics.js';
import { listMigrations, pendingMigrations } from '../store/db/db.js';
import { noteDatabaseError, unhealthyBecause } from '../store/db/health.js';
import { archiveReady } from '../store/runs.js';

export interface OpsOptions {
  metricsText?: () => Promise<string>;
  /** serve: not ready until the database holds articles or an ingest has finished (store/runs.ts). */
  awaitFirstIngest?: boolean;
}

export function opsRoutes(ctx: Context, metrics: Metrics, options: OpsOptions = {}): Router {
  const router = Router();
  const metricsText = options.metricsText ?? (() => metrics.registry.metrics());
  // The migrations ship with the build, so they are read once.
  const migrations = listMigrations();
  // Once the archive is ready it stays so (articles are never deleted, a finished run stays finished).
  let archive = options.awaitFirstIngest !== true;

  router.use(['/healthz', '/readyz', '/metrics'], (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });

  router.get('/readyz', (_req, res) => {
    let reason = notReadyBecause(ctx, migrations);
    if (!reason && !archive) {
      archive = archiveReady(ctx.db);
      if (!archive) reason = 'the first ingest has not finished yet (the database holds no articles)';
    }
    if (reason) res.status(503).type('text/plain').send(`not ready: ${reason}\n`);
    else res.type('text/plain').send('ready\n');
  });

  router.get('/metrics', async (_req, res) => {
    const text = await metricsText();
    res.type(metrics.registry.contentType).send(text);
  });

  return router;
}

/** Why the app cannot serve, or undefined when it can. */
function notReadyBecause(ctx: Context, migrations: ReturnType<typeof listMigrations>): string | undefined {
  let pending: string[];
  try {
    pending = pendingMigrations(ctx.db, migrations);
  } catch (err) {
    noteDatabaseError(ctx.db, err);
    return `database: ${(err as Error).message}`;
  }
  const unhealthy = unhealthyBecause(ctx.db);
  if (unhealthy) return unhealthy;
  return pending.length > 0 ? `migrations not applied: ${pending.join(', ')}` : undefined;
}
