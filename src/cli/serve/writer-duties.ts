// What only the writer does in `serve`'s writer thread (writer-thread.ts):
// the ingest schedule (with `ingest.on_start`, an ingest of the due sources
// as it becomes the writer), the ingests other processes ask of it, the
// change loop (publish/push/changes.ts: each committed change told to the hub and
// purged from the cache in front), and the built-in WebSub hub's
// verifications, deliveries and lease sweep (hub/worker.ts), and the partner
// webhooks' deliveries (webhooks/worker.ts). (The health
// probe's small write runs in every serve, writer or not: each process's
// /readyz must find out for itself that the disk is full, and that it is
// no longer.) Begun each time the thread takes the writer lease, ended each
// time it loses it; the changes run one after another, so that a schedule
// has stopped before the next one starts.
import type { Context } from '../../context.js';
import type { HubObserver } from '../../hub/observer.js';
import { startHubWorker } from '../../hub/worker.js';
import { startRequestPoller } from '../../ingest/requests.js';
import { type IngestObserver, startScheduler } from '../../ingest/schedule.js';
import { type ChangeObserver, startChangeLoop } from '../../publish/push/changes.js';
import { startWebhookWorker, type WebhookObserver } from '../../webhooks/worker.js';

export type WriterObserver = IngestObserver & ChangeObserver;

export interface WriterDuties {
  /** Begins the duties (true) or ends them (false); what was already so is left as it is. */
  set(writer: boolean): void;
  /** Ends the duties for good; resolves when the running ingest has ended. */
  stop(): Promise<void>;
}

interface Running {
  stop(): Promise<void>;
}

export function writerDuties(ctx: Context, observer: WriterObserver, hubObserver: HubObserver = {}, webhookObserver: WebhookObserver = {}): WriterDuties {
  let running: Running | undefined;
  let stopped = false;
  let changes = Promise.resolve();
  const end = async () => {
    const duties = running;
    running = undefined;
    await duties?.stop();
  };
  const change = (next: () => Promise<void> | void) => {
    changes = changes.then(next).catch((err: unknown) => ctx.log.error({ event: 'writer_change_failed', err }, 'writer: starting or stopping its work failed'));
  };
  return {
    set(writer) {
      change(() => {
        if (!writer) return end();
        if (!running && !stopped) running = begin(ctx, observer, hubObserver, webhookObserver);
      });
    },
    async stop() {
      stopped = true;
      change(end);
      await changes;
    },
  };
}

function begin(ctx: Context, observer: WriterObserver, hubObserver: HubObserver, webhookObserver: WebhookObserver): Running {
  const scheduler = startScheduler(ctx, observer);
  const requests = startRequestPoller(ctx, scheduler);
  const changeLoop = startChangeLoop(ctx, observer);
  const hub = ctx.cfg.websub.builtIn ? startHubWorker(ctx, { observer: hubObserver }) : undefined;
  const webhooks = startWebhookWorker(ctx, { observer: webhookObserver });
  if (ctx.cfg.ingest.onStart) {
    scheduler.tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'ingest at start failed'));
  }
  return {
    async stop() {
      await Promise.all([requests.stop(), scheduler.stop(), changeLoop.stop(), hub?.stop(), webhooks.stop()]);
    },
  };
}
