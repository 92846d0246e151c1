// The partner webhooks' worker: runs in the holder of the writer lease
// (cli/serve/writer-duties.ts; tests start it beside an app), like the
// WebSub hub's (hub/worker.ts), whose shape it follows. Every POLL_MS it
// reads the deliveries due (queued by migration 025's triggers in the
// transaction of each kill or correction, by whichever process made it)
// and sends as many as webhooks.concurrency allows, one at a time per
// partner (deliver.ts). Now and then it forgets deliveries done more than
// HISTORY_MS ago. What it has not finished stays in the database for the
// next worker: deliveries are at least once, so a receiver de-duplicates
// by the event id.
import { setMaxListeners } from 'node:events';
import type { Context } from '../context.js';
import { CallbackClient } from '../hub/callbacks.js';
import type { AttemptOutcome } from '../hub/observer.js';
import { type DueWebhook, dueWebhooks, sweepWebhookHistory } from '../store/webhooks/deliveries.js';
import { deliverWebhook } from './deliver.js';

/** How often the queue is read: a kill committed by another process is sent within this. */
export const POLL_MS = 200;
/** How often old history is forgotten. */
const SWEEP_MS = 60 * 60_000;
/** How long delivered, abandoned and canceled deliveries (and their attempts) are kept for the admin to read. */
export const HISTORY_MS = 30 * 86_400_000;
/** How long a partner whose attempt could not be recorded waits before its next one. */
const RESTING_MS = 5_000;

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
  const stopping = new AbortController();
  setMaxListeners(concurrency + 10, stopping.signal);
  /** Partners with a request under way. */
  const busy = new Set<number>();
  const running = new Set<Promise<unknown>>();
  let lastSweep = 0;
  let scheduled = false;

  const send = (d: DueWebhook) => {
    busy.add(d.partnerId);
    const done = () => busy.delete(d.partnerId);
    const task = deliverWebhook(ctx, client, d, stopping.signal)
      .then((outcome) => {
        if (outcome !== 'stopped') observer.onDelivery?.(outcome);
        done();
      }, (err: unknown) => {
        // Not the receiver's failure (that is recorded): the database's. The partner rests, rather than being called again and again.
        ctx.log.error({ event: 'webhook_worker_failed', err }, 'webhook: recording an attempt failed');
        setTimeout(done, RESTING_MS).unref();
      })
      .finally(() => {
        running.delete(task);
        kick();
      });
    running.add(task);
  };

  const fill = () => {
    const now = Date.now();
    if (now - lastSweep >= SWEEP_MS) {
      lastSweep = now;
      const swept = sweepWebhookHistory(ctx.db, now - HISTORY_MS);
      if (swept > 0) ctx.log.info({ event: 'webhook_history_swept', deliveries: swept }, 'webhook: old deliveries forgotten');
    }
    const free = concurrency - running.size;
    if (free <= 0) return;
    for (const d of dueWebhooks(ctx.db, now, free, [...busy])) send(d);
  };

  const tick = () => {
    scheduled = false;
    if (stopping.signal.aborted) return;
    try {
      fill();
    } catch (err) {
      ctx.log.error({ event: 'webhook_worker_failed', err }, 'webhook: reading the queue failed');
    }
  };

  function kick(): void {
    if (scheduled || stopping.signal.aborted) return;
    scheduled = true;
    setImmediate(tick);
  }

  const timer = setInterval(tick, pollMs);
  timer.unref();
  kick();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        clearInterval(timer);
        while (running.size > 0) await Promise.all([...running]);
        await client.close();
      })();
      return stopped;
    },
  };
}
