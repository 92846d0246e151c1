// Prometheus metrics (prom-client): HTTP requests by route pattern and
// status, response times, the render cache's hits and misses, ingest runs,
// items and source errors, and Node's process metrics. Each app gets its own
// registry rather than prom-client's global one, so that several apps in one
// process (the tests) never count into each other.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { FeedCache } from '../publish/cache.js';
import { createRequestMetrics } from './request-metrics.js';
import type { IngestObserver } from '../ingest/schedule.js';
import type { HubObserver } from '../hub/observer.js';
import type { Db } from '../store/db/db.js';
import { hubQueueLength } from '../store/hub/deliveries.js';
import { countSubscriptionRequests } from '../store/hub/requests.js';
import { countSubscriptions } from '../store/hub/subscriptions.js';
import { webhookQueueLength } from '../store/webhooks/deliveries.js';
import type { WebhookObserver } from '../webhooks/worker.js';

export interface Metrics {
  registry: Registry;
  /** Counts one answered request; `route` is a route pattern, never a raw URL. */
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void;
  /** Reports this cache's own hit and miss counts at every scrape (summed over the caches watched). */
  watchFeedCache(cache: FeedCache): void;
  /** What the scheduler reports as sources and runs finish. */
  ingest: IngestObserver;
  /** Counts one feed request made with a partner's key. */
  observePartnerRequest(partnerId: number): void;
  /** Counts one connection closed on arrival because `server.max_connections` were open. */
  observeDroppedConnection(): void;
  /** Whether this process holds the writer lease now (store/db/lease.ts). */
  observeWriter(writer: boolean): void;
  /** One purge request to the cache in front (publish/push/changes.ts). */
  observePurge(purger: string, outcome: 'ok' | 'failed', keys: number): void;
  /** Reports the purge queue at every scrape: keys waiting and the oldest one's wait. */
  watchPurgeBacklog(read: () => { keys: number; oldestMs: number }): void;
  /** What the built-in WebSub hub's worker reports as deliveries and verifications end (hub/worker.ts). */
  hub: HubObserver;
  /** Reports the built-in hub's queue and subscriptions, read from this database at every scrape (one process per serve: not a reader). */
  watchHub(db: Db): void;
  /** What the partner webhooks' worker reports as attempts end (webhooks/worker.ts). */
  webhooks: WebhookObserver;
  /** Reports the webhooks' queue, read from this database at every scrape (the primary only). */
  watchWebhooks(db: Db): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestSeries = createRequestMetrics(registry);
  const partnerRequests = new Counter({
    name: 'wirefeed_partner_requests_total',
    // By id (`wirefeed partners` lists them), not name: /metrics is public, and who the customers are is not.
    help: "Requests made with a partner's key, by the partner's id",
    labelNames: ['partner_id'] as const,
    registers: [registry],
  });
  const runs = new Counter({ name: 'wirefeed_ingest_runs_total', help: 'Ingest runs finished', registers: [registry] });
  const items = new Counter({
    name: 'wirefeed_ingest_items_total',
    help: 'Articles stored by ingest, by source and outcome (new or updated)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const entriesSeen = new Counter({
    name: 'wirefeed_ingest_entries_seen_total',
    help: 'Feed entries read by ingest, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  // Fewer than seen: an entry read before whose article is stored as it would be made again is skipped.
  const entriesCapped = new Counter({
    name: 'wirefeed_ingest_entries_capped_total',
    help: 'Feed entries whose content ingest cut to ingest.max_content_bytes, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const entriesPrepared = new Counter({
    name: 'wirefeed_ingest_entries_prepared_total',
    help: 'Feed entries cleaned and classified by ingest, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const droppedConnections = new Counter({
    name: 'wirefeed_http_connections_dropped_total',
    help: 'Connections closed as they arrived because server.max_connections were open',
    registers: [registry],
  });
  // Summed over the instances behind one database, it should be exactly 1.
  const writer = new Gauge({
    name: 'wirefeed_writer',
    help: 'Whether this process holds the writer lease and so runs the ingest (1) or only serves (0)',
    registers: [registry],
  });
  const sourceErrors = new Counter({
    name: 'wirefeed_ingest_source_errors_total',
    help: 'Source refreshes that ended in an error, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });

  const hubDeliveries = new Counter({
    name: 'wirefeed_websub_deliveries_total',
    help: 'Built-in WebSub hub: deliveries owed, by outcome (delivered, failed and to be retried, abandoned after the last attempt, unchanged: not sent, the subscriber already had that document)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const hubVerifications = new Counter({
    name: 'wirefeed_websub_verifications_total',
    help: 'Built-in WebSub hub: intent verifications, by outcome (confirmed, not-confirmed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Read from the database at scrape time, by the one process of a serve that watches it (readers report 0, so the sum is right).
  let hubDb: Db | undefined;
  new Gauge({
    name: 'wirefeed_websub_queue',
    help: 'Built-in WebSub hub: deliveries owed (owed; of them, waiting to retry after a failure: retrying) and requests waiting for verification (verifying)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!hubDb) return;
      try {
        const { owed, retrying } = hubQueueLength(hubDb);
        this.set({ state: 'owed' }, owed);
        this.set({ state: 'retrying' }, retrying);
        this.set({ state: 'verifying' }, countSubscriptionRequests(hubDb));
      } catch {
        // A database that cannot be read now (busy, failing): /readyz says so; the scrape goes on without these.
      }
    },
  });
  new Gauge({
    name: 'wirefeed_websub_subscriptions',
    help: "Built-in WebSub hub: active subscriptions (verified, lease not run out)",
    registers: [registry],
    collect() {
      try {
        if (hubDb) this.set(countSubscriptions(hubDb, Date.now()));
      } catch {
        // As above.
      }
    },
  });

  const webhookDeliveries = new Counter({
    name: 'wirefeed_webhook_deliveries_total',
    help: 'Partner webhooks: delivery attempts, by outcome (delivered, failed and to be retried, abandoned after the last attempt)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  let webhookDb: Db | undefined;
  new Gauge({
    name: 'wirefeed_webhook_queue',
    help: 'Partner webhooks: deliveries owed (pending; of them, waiting to retry after a failure: retrying)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!webhookDb) return;
      try {
        const { pending, retrying } = webhookQueueLength(webhookDb);
        this.set({ state: 'pending' }, pending);
        this.set({ state: 'retrying' }, retrying);
      } catch {
        // As for the hub's queue.
      }
    },
  });

  // The caches keep their own counts; these mirror them at scrape time.
  const caches: FeedCache[] = [];
  const total = (count: (cache: FeedCache) => number) => caches.reduce((sum, cache) => sum + count(cache), 0);
  new Counter({
    name: 'wirefeed_feed_cache_hits_total',
    help: 'Feed requests answered from the render cache',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total((c) => c.hits));
    },
  });
  new Counter({
    name: 'wirefeed_feed_cache_misses_total',
    help: 'Feed requests that had to be rendered',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total((c) => c.misses));
    },
  });
  new Gauge({
    name: 'wirefeed_feed_cache_bytes',
    help: 'Bytes held by the render cache (bodies, and the gzip and brotli forms asked for so far)',
    registers: [registry],
    collect() {
      this.set(total((c) => c.size));
    },
  });

  const purgeRequests = new Counter({
    name: 'wirefeed_edge_purge_requests_total',
    help: 'Purge requests sent to the cache in front, by purger (origin and path) and outcome',
    labelNames: ['purger', 'outcome'] as const,
    registers: [registry],
  });
  const purgedKeys = new Counter({
    name: 'wirefeed_edge_purged_keys_total',
    help: 'Surrogate keys sent in purges, by purger and outcome',
    labelNames: ['purger', 'outcome'] as const,
    registers: [registry],
  });
  let backlog: (() => { keys: number; oldestMs: number }) | undefined;
  new Gauge({
    name: 'wirefeed_edge_purge_queue_keys',
    help: 'Surrogate keys queued for purging, not yet taken by every purger',
    registers: [registry],
    collect() {
      if (backlog) this.set(backlog().keys);
    },
  });
  new Gauge({
    name: 'wirefeed_edge_purge_queue_oldest_seconds',
    help: 'How long the oldest key queued for purging has waited',
    registers: [registry],
    collect() {
      if (backlog) this.set(backlog().oldestMs / 1000);
    },
  });

  return {
    registry,
    observePurge(purger, outcome, keys) {
      purgeRequests.inc({ purger, outcome });
      purgedKeys.inc({ purger, outcome }, keys);
    },
    watchPurgeBacklog(read) {
      backlog = read;
    },
    observeRequest({ method, route, status, seconds }) {
      requestSeries(method, route, status).observe(seconds);
    },
    watchFeedCache(cache) {
      caches.push(cache);
    },
    observePartnerRequest(partnerId) {
      partnerRequests.inc({ partner_id: String(partnerId) });
    },
    observeDroppedConnection() {
      droppedConnections.inc();
    },
    observeWriter(on) {
      writer.set(on ? 1 : 0);
    },
    hub: {
      onDelivery(outcome) {
        hubDeliveries.inc({ outcome });
      },
      onVerification(verdict) {
        hubVerifications.inc({ outcome: verdict });
      },
    },
    watchHub(db) {
      hubDb = db;
    },
    webhooks: {
      onDelivery(outcome) {
        webhookDeliveries.inc({ outcome });
      },
    },
    watchWebhooks(db) {
      webhookDb = db;
    },
    ingest: {
      onResult(result) {
        if (result.itemsNew > 0) items.inc({ source: result.source, outcome: 'new' }, result.itemsNew);
        if (result.itemsUpdated > 0) items.inc({ source: result.source, outcome: 'updated' }, result.itemsUpdated);
        if (result.itemsSeen > 0) entriesSeen.inc({ source: result.source }, result.itemsSeen);
        if (result.itemsPrepared > 0) entriesPrepared.inc({ source: result.source }, result.itemsPrepared);
        if (result.itemsCapped) entriesCapped.inc({ source: result.source }, result.itemsCapped);
        if (result.status === 'error') sourceErrors.inc({ source: result.source });
      },
      onRun() {
        runs.inc();
      },
    },
  };
}
