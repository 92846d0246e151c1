// What serve's primary and its reader processes (serve --readers N) tell
// each other over node:cluster's IPC channel, both sides:
// - a partner's request budget is the primary's one RateLimiter: a reader
//   asks it for each partner request (a key's requests reach every reader
//   its connections happen to land on, so per-reader budgets would multiply
//   it), and decides alone, with a budget of its own, only if the primary
//   does not answer within a second;
// - partner usage (request counts, and the daily figures and deliveries of
//   the usage reports) is tallied in the reader and sent every second; the
//   primary writes it (store/partner-usage.ts);
// - /metrics: the primary asks every reader for its figures and adds them
//   up with prom-client's aggregation.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { Budget, RateLimiter, UsageCounter, Verdict } from '../../http/partner.js';
import type { PartnerUsage } from '../../store/partner-usage.js';
import { type UsageBatch, UsageTally } from '../../store/usage-tally.js';

type Metric = MetricObjectWithValues<MetricValue<string>>;

export type ToPrimary =
  | { kind: 'take'; id: number; partnerId: number }
  | { kind: 'usage'; batch: UsageBatch }
  | { kind: 'metrics'; id: number; metrics: Metric[] };

export type ToReader = { kind: 'taken'; id: number; verdict: Verdict } | { kind: 'metrics?'; id: number };

/** How long a reader waits for the primary's verdict before deciding alone. */
const VERDICT_WAIT_MS = 1_000;
/** How often a reader sends its partner counts. */
const USAGE_EVERY_MS = 1_000;
/** How long /metrics waits for a reader's figures: one that does not answer is left out. */
const METRICS_WAIT_MS = 1_000;

// ---- the reader's side ----

function send(message: ToPrimary, sent?: () => void): boolean {
  if (!process.send || !process.connected) return false;
  return process.send(message, undefined, {}, () => sent?.());
}

/** The primary's budget, asked over IPC; `fallback` decides when the primary cannot. */
export function primaryBudget(fallback: RateLimiter): Budget {
  let next = 0;
  const waiting = new Map<number, (verdict: Verdict) => void>();
  process.on('message', (message: ToReader) => {
    if (message.kind !== 'taken') return;
    waiting.get(message.id)?.(message.verdict);
    waiting.delete(message.id);
  });
  return {
    take(partnerId) {
      const id = next++;
      if (!send({ kind: 'take', id, partnerId })) return fallback.take(partnerId);
      return new Promise<Verdict>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(fallback.take(partnerId));
        }, VERDICT_WAIT_MS);
        waiting.set(id, (verdict) => {
          clearTimeout(timer);
          resolve(verdict);
        });
      });
    },
  };
}

/** Partner usage, tallied here and sent to the primary every second, and at close. */
export function usageToPrimary(): UsageCounter & { close(): Promise<void> } {
  const tally = new UsageTally();
  const sendTallies = (sent?: () => void) => {
    if (tally.empty || !process.send || !process.connected) return false;
    // Handed to the channel even when send() returns false (a backlog): not kept, or it would count twice.
    send({ kind: 'usage', batch: tally.take() }, sent);
    return true;
  };
  const timer = setInterval(() => sendTallies(), USAGE_EVERY_MS);
  timer.unref();
  return {
    count(partnerId) {
      tally.count(partnerId, Date.now());
    },
    answered(partnerId, answer) {
      tally.answered(partnerId, answer);
    },
    /** Sends what is left; resolves once it has been handed to the channel (the process may then exit). */
    close() {
      clearInterval(timer);
      return new Promise<void>((resolve) => sendTallies(resolve) || resolve());
    },
  };
}

/** Answers the primary's requests for this reader's figures. */
export function answerMetrics(registry: Registry): void {
  process.on('message', (message: ToReader) => {
    if (message.kind !== 'metrics?') return;
    registry
      .getMetricsAsJSON()
      .then((metrics) => send({ kind: 'metrics', id: message.id, metrics }))
      .catch(() => undefined);
  });
}

// ---- the primary's side ----

/** Answers one reader's budget questions and takes its counts. */
export function answerReader(worker: Worker, limiter: RateLimiter, usage: PartnerUsage): void {
  worker.on('message', (message: ToPrimary) => {
    if (message.kind === 'take') {
      if (worker.isConnected()) worker.send({ kind: 'taken', id: message.id, verdict: limiter.take(message.partnerId) } satisfies ToReader);
    } else if (message.kind === 'usage') {
      usage.add(message.batch);
    }
  });
}

let nextMetricsRequest = 0;

/** The primary's figures and every reader's, added up (counters summed, as prom-client aggregates by default). */
export async function clusterMetricsText(own: Registry): Promise<string> {
  const id = nextMetricsRequest++;
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  const answers = await Promise.all(workers.map((worker) => metricsOf(worker, id)));
  const all = [await own.getMetricsAsJSON(), ...answers.filter((a): a is Metric[] => a !== undefined)];
  return AggregatorRegistry.aggregate(all).metrics();
}

function metricsOf(worker: Worker, id: number): Promise<Metric[] | undefined> {
  return new Promise((resolve) => {
    const done = (metrics: Metric[] | undefined) => {
      clearTimeout(timer);
      worker.off('message', listener);
      resolve(metrics);
    };
    const listener = (message: ToPrimary) => {
      if (message.kind === 'metrics' && message.id === id) done(message.metrics);
    };
    const timer = setTimeout(() => done(undefined), METRICS_WAIT_MS);
    worker.on('message', listener);
    worker.send({ kind: 'metrics?', id } satisfies ToReader);
  });
}
