// The partner webhooks' worker: runs in the holder of the writer lease
// (cli/serve/writer-duties.ts; tests start it beside an app), like the
// WebSub hub's (hub/worker.ts), on the same polling loop (hub/request-pool.ts). Every POLL_MS it
// reads the deliveries due (queued by migration 025's triggers in the
// transaction of each kill or correction, by whichever process made it)
// and sends as many as webhooks.concurrency allows, one at a time per
// partner (deliver.ts). Now and then it forgets deliveries done more than
// HISTORY_MS ago. What it has not finished stays in the database for the
// next worker: deliveries are at least once, so a receiver de-duplicates
// by the event id.
import type { Context } from '../context.js';
import { CallbackClient } from '../hub/callbacks.js';
import { type RequestPool, startRequestPool } from '../hub/request-pool.js';
import type { AttemptOutcome } from '../hub/observer.js';
import { type DueWebhook, dueWebhooks, sweepWebhookHistory } from '../store/webhooks/deliveries.js';
import { deliverWebhook } from './deliver.js';

/** How often the queue is read: a kill committed by another process is sent within this. */
export const POLL_MS = 200;
/** How often old history is forgotten. */
const SWEEP_MS = 60 * 60_000;
/** How long delivered, abandoned and canceled deliveries (and their attempts) are kept for the admin to read. */
export const HISTORY_MS = 30 * 86_400_000;

export interface WebhookObserver {
  onDelivery?(outcome: AttemptOutcome): void;
}

export interface WebhookWorkerOptions {
  observer?: WebhookObserver;
  pollMs?: number;
}

export interface WebhookWorker {
  /** Starts nothing more; aborts the requests under way (left pending) and resolves once they have ended. */
  stop(): Promise<void>;
}

export function startWebhookWorker(ctx: Context, options: WebhookWorkerOptions = {}): WebhookWorker {
  const { observer = {}, pollMs = POLL_MS } = options;
  const { concurrency, timeoutMs, allowPrivateUrls } = ctx.cfg.webhooks;
  const client = new CallbackClient(ctx, { timeoutMs, allowPrivate: allowPrivateUrls, role: 'webhooks' });
  /** Partners with a request under way: one at a time each, oldest event first. */
  const busy = new Set<number>();
  let lastSweep = 0;

  const send = (pool: RequestPool, d: DueWebhook) => {
    busy.add(d.partnerId);
    const work = deliverWebhook(ctx, client, d, pool.signal).then((outcome) => {
      if (outcome !== 'stopped') observer.onDelivery?.(outcome);
    });
    pool.run(work, () => busy.delete(d.partnerId));
  };

  const fill = (pool: RequestPool) => {
    const now = Date.now();
    if (now - lastSweep >= SWEEP_MS) {
      lastSweep = now;
      const swept = sweepWebhookHistory(ctx.db, now - HISTORY_MS);
      if (swept > 0) ctx.log.info({ event: 'webhook_history_swept', deliveries: swept }, 'webhook: old deliveries forgotten');
    }
    const free = concurrency - pool.size;
    if (free <= 0) return;
    for (const d of dueWebhooks(ctx.db, now, free, [...busy])) send(pool, d);
  };

  const pool = startRequestPool({ pollMs, concurrency, log: ctx.log, name: 'webhook', fill, close: () => client.close() });
  return { stop: () => pool.stop() };
}
