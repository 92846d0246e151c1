// A process that ingests, for bench/ingest-memory.ts, run as a child so that
// its memory is its own: the app over WIREFEED_DB with the configuration at
// WIREFEED_CONFIG, as `serve` builds it in one process (the app listening,
// WAL checkpoints on their own thread), without the schedule. The parent
// says "ingest" and gets the run's results; "usage" answers with
// process.memoryUsage() and V8's heap spaces, and "gc" (with --expose-gc)
// does too after a full collection, to tell what the process holds from what
// V8 has merely not collected yet.
import { createServer } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config/config.js';
import { openContext } from '../src/context.js';
import { createApp } from '../src/http/app.js';
import { runIngest } from '../src/ingest/run.js';
import { createLog } from '../src/observe/log.js';
import { startCheckpointer } from '../src/store/db/checkpointer.js';
import { listSources } from '../src/store/sources.js';

export interface IngestReply {
  seconds: number;
  itemsNew: number;
  errors: number;
  /** The highest heap and external memory seen while it ran, sampled every 20 ms. */
  heapUsedPeak: number;
  externalPeak: number;
}

const cfg = loadConfig();
const ctx = openContext(cfg, createLog(cfg.logLevel));
const checkpointer = startCheckpointer(ctx.db, ctx.log);
const server = createServer(createApp(ctx));

async function ingest(): Promise<IngestReply> {
  let heapUsedPeak = 0;
  let externalPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heapUsedPeak = Math.max(heapUsedPeak, m.heapUsed);
    externalPeak = Math.max(externalPeak, m.external);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  try {
    // The configured sources: an archive's own sources point at hosts that do not exist.
    const results = await runIngest(ctx, listSources(ctx.db).filter((s) => s.origin === 'config'));
    sample();
    return {
      seconds: (performance.now() - started) / 1000,
      itemsNew: results.reduce((total, r) => total + r.itemsNew, 0),
      errors: results.filter((r) => r.status === 'error').length,
      heapUsedPeak,
      externalPeak,
    };
  } finally {
    clearInterval(timer);
  }
}

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'ingest') {
    ingest().then((reply) => process.send?.({ ingest: reply }), (err: Error) => process.send?.({ error: err.message }));
  } else if (message === 'gc' || message === 'usage') {
    if (message === 'gc') (globalThis as { gc?: () => void }).gc?.();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
    process.send?.({ usage: process.memoryUsage(), spaces });
  } else if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => void checkpointer.stop().then(() => process.exit(0)));
  }
});
process.on('disconnect', () => process.exit(0));
