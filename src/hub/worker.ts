// The built-in WebSub hub's worker: what the hub does after answering a
// request. It runs where the writes are made, in the holder of the writer
// lease (cli/serve/writer-duties.ts starts it in serve's writer thread;
// tests start it beside an app), never on a reader's request path. Every
// POLL_MS it reads the queue in the database (store/hub/): requests to
// verify (verify.ts), then deliveries due (deliver.ts), as many as fit in
// websub.concurrency requests at once, so that a thousand subscribers are
// served sixteen at a time rather than all at once; and now and then it
// removes the subscriptions whose lease has run out. Everything it has not
// finished is still in the database when it stops, and the next worker
// (after a restart, or in the next writer) takes it up.
//
// A topic's document is rendered once per content version and sent to
// every subscriber of that topic (topics.ts renderTopic) that has not taken
// that very document already (its digest is kept per subscription): a
// change that moved nothing a topic shows, such as an article stored under
// embargo, pushes nothing.
import type { Context } from '../context.js';
import { contentVersion } from '../store/content-version.js';
import { cancelDelivery, type DueDelivery, deliveryFailed, deliveryUnneeded, dueDeliveries } from '../store/hub/deliveries.js';
import { requestsToVerify, type StoredRequest } from '../store/hub/requests.js';
import { sweepExpiredSubscriptions } from '../store/hub/subscriptions.js';
import { CallbackClient } from './callbacks.js';
import { deliver } from './deliver.js';
import type { HubObserver } from './observer.js';
import { type RequestPool, startRequestPool } from './request-pool.js';
import { renderTopic, type TopicDocument } from './topics.js';
import { verifyIntent } from './verify.js';

/** How often the queue is read: a delivery queued by another process starts within this (and a request is verified as soon). */
export const POLL_MS = 100;
/** How often subscriptions whose lease has run out are removed (none is delivered to meanwhile). */
const SWEEP_MS = 5_000;

export interface HubWorkerOptions {
  observer?: HubObserver;
  pollMs?: number;
  sweepMs?: number;
}

export interface HubWorker {
  /** Starts nothing more; aborts the requests under way (left queued) and resolves once they have ended. */
  stop(): Promise<void>;
}

export function startHubWorker(ctx: Context, options: HubWorkerOptions = {}): HubWorker {
  const { observer = {}, pollMs = POLL_MS, sweepMs = SWEEP_MS } = options;
  const client = new CallbackClient(ctx);
  const verifying = new Set<number>();
  const delivering = new Set<number>();
  const documents = new Map<string, TopicDocument | undefined>();
  let documentsVersion = -1;
  let lastSweep = 0;

  const verify = (pool: RequestPool, request: StoredRequest) => {
    verifying.add(request.id);
    const work = verifyIntent(ctx, client, request, pool.signal).then((verdict) => {
      if (verdict !== 'stopped') observer.onVerification?.(verdict);
    });
    pool.run(work, () => verifying.delete(request.id));
  };

  /**
   * The topic's document at this content version, rendered once for all its subscribers; again when it
   * expires with no write (an embargo lifted: the lift's deliveries must carry the story).
   */
  const documentOf = (d: DueDelivery, version: number): TopicDocument | undefined => {
    if (version !== documentsVersion) {
      documents.clear();
      documentsVersion = version;
    }
    const key = `${d.feedPath}.${d.format}`;
    const cached = documents.get(key);
    if (!documents.has(key) || (cached?.expiresAt !== undefined && Date.now() >= cached.expiresAt)) documents.set(key, renderTopic(ctx, d));
    return documents.get(key);
  };

  const send = (pool: RequestPool, d: DueDelivery, version: number) => {
    let doc: TopicDocument | undefined;
    try {
      doc = documentOf(d, version);
    } catch (err) {
      ctx.log.error({ event: 'websub_render_failed', topic: `${d.feedPath}.${d.format}`, err }, 'websub: the topic could not be rendered');
      const { maxAttempts, retryMs, maxRetryMs } = ctx.cfg.websub;
      deliveryFailed(ctx.db, d.subscriptionId, 'the feed could not be rendered', { maxAttempts, retryMs, maxRetryMs }, Date.now());
      return;
    }
    if (!doc) {
      cancelDelivery(ctx.db, d.subscriptionId, "the topic's feed no longer exists");
      return;
    }
    const isCurrent = () => contentVersion(ctx.db) === version;
    if (doc.digest === d.sentDigest) {
      // The subscriber took this very document already: the change that queued the delivery moved nothing it shows.
      deliveryUnneeded(ctx.db, d, isCurrent(), Date.now());
      observer.onDelivery?.('unchanged');
      return;
    }
    delivering.add(d.subscriptionId);
    const work = deliver(ctx, client, d, doc, isCurrent, pool.signal).then((outcome) => {
      if (outcome !== 'stopped') observer.onDelivery?.(outcome);
    });
    pool.run(work, () => delivering.delete(d.subscriptionId));
  };

  const fill = (pool: RequestPool) => {
    const now = Date.now();
    if (now - lastSweep >= sweepMs) {
      lastSweep = now;
      const swept = sweepExpiredSubscriptions(ctx.db, now);
      if (swept > 0) ctx.log.info({ event: 'websub_expired', subscriptions: swept }, 'websub: subscriptions whose lease ran out removed');
    }
    let free = ctx.cfg.websub.concurrency - pool.size;
    if (free <= 0) return;
    for (const request of requestsToVerify(ctx.db, free, [...verifying])) {
      verify(pool, request);
      free--;
    }
    if (free <= 0) return;
    const due = dueDeliveries(ctx.db, now, free, [...delivering]);
    if (due.length === 0) return;
    const version = contentVersion(ctx.db);
    for (const d of due) send(pool, d, version);
  };

  const pool = startRequestPool({ pollMs, concurrency: ctx.cfg.websub.concurrency, log: ctx.log, name: 'websub', fill, close: () => client.close() });
  return { stop: () => pool.stop() };
}
