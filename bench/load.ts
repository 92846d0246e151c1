// The load generator: autocannon in this process, each server in a child.
// Servers compared with each other are measured in alternating slices (A B,
// B A, A B …) so that whatever else the shared machine does falls on both
// alike; each server's slices are merged (latency histograms included).
// Beside throughput and latency it records the CPU the server, the generator
// and everything else on the machine used, so that a reader can see which
// one was the bottleneck.
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { machineBusySeconds, treeCpuSeconds } from './child.js';

/**
 * autocannon appends every response body to a string, for its verifyBody and
 * expectBody options, which we do not use. Decoding 50-170 KB per answer as
 * UTF-8 (gzip bytes worst of all) made the generator, not the server, the
 * bottleneck, so that work is switched off here: the bytes are still read
 * and counted. False when this version of autocannon has no such method.
 */
export const bodyCollectionOff = (() => {
  const queue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as {
    prototype: { addBody?: (data: unknown) => void };
  };
  if (typeof queue.prototype.addBody !== 'function') return false;
  queue.prototype.addBody = () => undefined;
  return true;
})();

export interface Target {
  url: string;
  /** The server's pid, to charge it its CPU time and that of the processes it started (a serve's readers). */
  pid: number;
}

export interface LoadOptions {
  headers?: IncomingHttpHeaders;
  /** Several requests that each connection sends in turn, instead of the URL's path. */
  requests?: autocannon.Request[];
  connections: number;
  /** Seconds per server, cut into `slices` alternating slices. */
  seconds: number;
  slices: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** Each slice's own rate, in the order run. */
  sliceRates: number[];
  p50: number;
  p99: number;
  requests: number;
  /** Count of answers by status class, e.g. { '2xx': 1000 }. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** CPU used while this server was under load, in cores (1 = one core busy all the time). */
  serverCores: number;
  generatorCores: number;
  /** Everything else on the machine: other processes, the kernel's own work, hypervisor steal. */
  otherCores: number;
}

/** What autocannon hands back for one run when asked not to aggregate it. */
type RawResult = Record<string, unknown> & { totalCompletedRequests: number; duration: number };

/** autocannon's merge of raw runs (histograms included), which its type definitions leave out. */
const aggregateResult = (autocannon as unknown as { aggregateResult(results: RawResult[], opts: object): autocannon.Result }).aggregateResult;

interface Tally {
  raw: RawResult[];
  elapsed: number;
  server: number;
  generator: number;
  machine: number;
}

/** Measures each target under the same load; results in the order of `targets`. */
export async function measure(targets: readonly Target[], options: LoadOptions): Promise<LoadResult[]> {
  const tallies: Tally[] = targets.map(() => ({ raw: [], elapsed: 0, server: 0, generator: 0, machine: 0 }));
  for (let slice = 0; slice < options.slices; slice++) {
    const order = targets.map((_, i) => i);
    if (slice % 2 === 1) order.reverse();
    for (const i of order) await runSlice(targets[i]!, options, options.seconds / options.slices, tallies[i]!);
  }
  return tallies.map((t, i) => summarize(t, targets[i]!, options));
}

async function runSlice(target: Target, options: LoadOptions, seconds: number, tally: Tally): Promise<void> {
  const server = treeCpuSeconds(target.pid);
  const generator = process.cpuUsage();
  const machine = machineBusySeconds();
  const started = performance.now();
  const raw = (await autocannon({
    url: target.url,
    headers: options.headers as Record<string, string> | undefined,
    requests: options.requests,
    connections: options.connections,
    duration: seconds,
    skipAggregateResult: true,
  })) as unknown as RawResult;
  tally.elapsed += (performance.now() - started) / 1000;
  tally.server += treeCpuSeconds(target.pid) - server;
  const used = process.cpuUsage(generator);
  tally.generator += (used.user + used.system) / 1e6;
  tally.machine += machineBusySeconds() - machine;
  tally.raw.push(raw);
}

function summarize(tally: Tally, target: Target, options: LoadOptions): LoadResult {
  const merged = aggregateResult(tally.raw, { url: target.url, connections: options.connections });
  const completed = tally.raw.reduce((sum, r) => sum + r.totalCompletedRequests, 0);
  const duration = tally.raw.reduce((sum, r) => sum + r.duration, 0);
  const statuses: Record<string, number> = {};
  for (const key of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const) if (merged[key] > 0) statuses[key] = merged[key];
  return {
    // Completed requests over the measured time, rather than autocannon's mean of per-second samples.
    requestsPerSecond: completed / duration,
    sliceRates: tally.raw.map((r) => r.totalCompletedRequests / r.duration),
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    requests: completed,
    statuses,
    errors: merged.errors + merged.timeouts,
    serverCores: tally.server / tally.elapsed,
    generatorCores: tally.generator / tally.elapsed,
    otherCores: Math.max(0, tally.machine - tally.server - tally.generator) / tally.elapsed,
  };
}
