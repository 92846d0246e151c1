// Requests at a fixed rate, open loop: request k of a target is sent at
// start + k / rate whatever the answers before it did, each timed from the
// moment it is issued (waiting for a free connection included) to the last
// byte of its body. autocannon's overallRate is not used for this: each of
// its connections sends its whole budget for the second back to back as the
// second begins and then waits, so that for most of every second no request
// is in flight and a stall of the server that falls there is never seen; and
// it drops the requests in flight when stopped. Here requests are evenly
// spaced, and stop() waits for those in flight, so that a stall at the end
// of a measured window is counted too.
import { Agent, request } from 'node:http';

export interface PacedTarget {
  /** What the tables call it, e.g. "feed". */
  name: string;
  url: string;
  /** Requests per second. */
  rate: number;
  headers?: Record<string, string>;
}

export interface PacedResult {
  name: string;
  rate: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Count of answers by status class, e.g. { '2xx': 1000 }. */
  statuses: Record<string, number>;
  /** Connection errors: no answer at all. */
  errors: number;
  /** The errors by code (ECONNRESET, timeout …). */
  errorCodes: Record<string, number>;
  /** The slowest requests: when each was sent, in seconds from the start, and how long it took. */
  slowest: { atSeconds: number; ms: number }[];
  /** How late this generator itself issued requests (its own event loop busy): p99 and max, ms. */
  lateP99: number;
  lateMax: number;
}

export interface Paced {
  /** Stops issuing requests, waits for those in flight, and hands back each target's figures. */
  stop(): Promise<PacedResult[]>;
}

/** A request that has no answer after this long counts as an error (and its wait as its latency). */
const REQUEST_TIMEOUT_MS = 60_000;

export function startPaced(targets: readonly PacedTarget[]): Paced {
  const started = performance.now();
  let stopped = false;
  const runs = targets.map((target) => {
    // Keep-alive, as a feed reader polling often would; a stall makes it open more connections, as clients do.
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const latencies: number[] = [];
    const late: number[] = [];
    const sentAt: number[] = [];
    const statuses: Record<string, number> = {};
    const errorCodes: Record<string, number> = {};
    const inFlight = new Set<Promise<void>>();
    let errors = 0;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const interval = 1000 / target.rate;
    const send = () => {
      const issued = performance.now();
      late.push(issued - (started + sent * interval));
      sent++;
      const done = new Promise<void>((resolve) => {
        const finish = (status: number | undefined, err?: Error & { code?: string }) => {
          latencies.push(performance.now() - issued);
          sentAt.push((issued - started) / 1000);
          if (status === undefined) {
            errors++;
            // Node's documented keep-alive race: the request went out on an idle connection the server was closing.
            const reused = req.reusedSocket && err?.code === 'ECONNRESET';
            const code = reused ? 'ECONNRESET on a reused idle connection' : (err?.code ?? err?.message ?? 'unknown');
            errorCodes[code] = (errorCodes[code] ?? 0) + 1;
          } else {
            const key = `${Math.floor(status / 100)}xx`;
            statuses[key] = (statuses[key] ?? 0) + 1;
          }
          resolve();
        };
        const req = request(target.url, { agent, headers: target.headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => finish(res.statusCode));
          res.on('error', (err) => finish(undefined, err));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => finish(undefined, err));
        req.end();
      });
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
    };
    // Every request that is due by now, then a timer for the next one: a late timer sends its backlog at once.
    const tick = () => {
      if (stopped) return;
      while (started + sent * interval <= performance.now()) send();
      timer = setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
    return {
      async stop(): Promise<PacedResult> {
        clearTimeout(timer);
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        agent.destroy();
        const sorted = [...latencies].sort((a, b) => a - b);
        const slowest = latencies
          .map((ms, i) => ({ atSeconds: sentAt[i]!, ms }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 5);
        const lateSorted = [...late].sort((a, b) => a - b);
        return {
          name: target.name,
          rate: target.rate,
          requests: latencies.length,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted[sorted.length - 1] ?? Number.NaN,
          statuses,
          errors,
          errorCodes,
          slowest,
          lateP99: percentile(lateSorted, 99),
          lateMax: lateSorted[lateSorted.length - 1] ?? Number.NaN,
        };
      },
    };
  });
  return {
    async stop() {
      stopped = true;
      return Promise.all(runs.map((r) => r.stop()));
    },
  };
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
