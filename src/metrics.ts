// Prometheus metrics (prom-client): HTTP requests by route pattern and
// status, response times, the render cache's hits and misses, ingest runs,
// items and source errors, and Node's process metrics. Each app gets its own
// registry rather than prom-client's global one, so that several apps in one
// process (the tests) never count into each other.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedCache } from './publish/cache.js';
import type { IngestObserver } from './scheduler.js';

export interface Metrics {
  registry: Registry;
  /** Counts one answered request; `route` is a route pattern, never a raw URL. */
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void;
  /** Reports this cache's own hit and miss counts at every scrape (summed over the caches watched). */
  watchFeedCache(cache: FeedCache): void;
  /** What the scheduler reports as sources and runs finish. */
  ingest: IngestObserver;
  /** Counts one feed request made with a partner's key. */
  observePartnerRequest(partner: string): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'wirefeed_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'wirefeed_http_request_duration_seconds',
    help: 'Time from a request arriving to its response being sent, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    // Cached feeds answer in about a millisecond; a cold render of 200 items takes tens.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const partnerRequests = new Counter({
    name: 'wirefeed_partner_requests_total',
    help: "Feed requests made with a partner's key, by partner",
    labelNames: ['partner'] as const,
    registers: [registry],
  });
  const runs = new Counter({ name: 'wirefeed_ingest_runs_total', help: 'Ingest runs finished', registers: [registry] });
  const items = new Counter({
    name: 'wirefeed_ingest_items_total',
    help: 'Articles stored by ingest, by source and outcome (new or updated)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const sourceErrors = new Counter({
    name: 'wirefeed_ingest_source_errors_total',
    help: 'Source refreshes that ended in an error, by source',
    labelNames: ['source'] as const,
    registers: [registry],
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
    help: 'Bytes held by the render cache (bodies with their gzip and brotli forms)',
    registers: [registry],
    collect() {
      this.set(total((c) => c.size));
    },
  });

  // The label sets seen are few (methods × route patterns × statuses); each
  // one's series is looked up once rather than hashed on every request.
  const series = new Map<string, { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof duration.labels> }>();
  const seriesOf = (method: string, route: string, status: number) => {
    const name = `${method} ${route} ${status}`;
    let found = series.get(name);
    if (!found) {
      found = { count: requests.labels(method, route, String(status)), time: duration.labels(method, route) };
      series.set(name, found);
    }
    return found;
  };

  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      const { count, time } = seriesOf(method, route, status);
      count.inc();
      time.observe(seconds);
    },
    watchFeedCache(cache) {
      caches.push(cache);
    },
    observePartnerRequest(partner) {
      partnerRequests.inc({ partner });
    },
    ingest: {
      onResult(result) {
        if (result.itemsNew > 0) items.inc({ source: result.source, outcome: 'new' }, result.itemsNew);
        if (result.itemsUpdated > 0) items.inc({ source: result.source, outcome: 'updated' }, result.itemsUpdated);
        if (result.status === 'error') sourceErrors.inc({ source: result.source });
      },
      onRun() {
        runs.inc();
      },
    },
  };
}
