// Ingest end to end: runIngest over FEEDS http sources served by a child
// process on loopback (feed-server.ts), into a fresh database, with the demo
// configuration's taxonomy and ingest settings (concurrency included), in
// ROUNDS rounds of their own databases, the median round reported (one run
// on this shared machine moves by a tenth or more). Then the last round's
// sources again, when every one answers 304 to its stored ETag, and once
// more without their validators, so that every one answers 200 with the
// document already stored (a feed server that ignores conditional GET).
// Every fourth feed is Atom. Before each round, the same documents are parsed
// alone on this thread (parse-floor.ts): the parse floor the round's rate is
// set against, measured in the same run on the same machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath, loadConfig } from '../src/config/config.js';
import { type Context, openContext } from '../src/context.js';
import { runIngest } from '../src/ingest/run.js';
import { createLog } from '../src/observe/log.js';
import type { SourceResult } from '../src/model.js';
import { startCheckpointer } from '../src/store/db/checkpointer.js';
import { listSources } from '../src/store/sources.js';
import { cpuSeconds, startChild } from './child.js';
import { fetchDocuments, type ParseFloorPass, parseFloorPass } from './parse-floor.js';

/** One feed in this many is served as Atom 1.0. */
export const ATOM_EVERY = 4;

/** One fresh ingest into an empty database. */
interface Round {
  seconds: number;
  itemsNew: number;
  itemsPerSecond: number;
  errors: string[];
  /** CPU used during the fresh ingest, in cores: this process (the service) and the upstream server. */
  serviceCores: number;
  /** Of the service's CPU, its main thread's (where the database is written and relate runs), in cores. */
  mainThreadCores: number;
  upstreamCores: number;
  /** How late the event loop ran timers during the fresh ingest: what requests to a server doing the ingest would wait. */
  eventLoopDelayMs: { p99: number; max: number };
}

/** The median round, with every round's rate. */
export interface IngestResult extends Round {
  feeds: number;
  itemsPerFeed: number;
  concurrency: number;
  /** New items per second of each round, in the order run. */
  rounds: number[];
  /** Each full-304 re-poll's duration, and how many sources answered 304 in the last one. */
  repollSeconds: number[];
  repollNotModified: number;
  /** The re-poll without validators: every source answers 200 with the same items. */
  unchanged: { seconds: number; serviceCpuSeconds: number; itemsSeen: number; itemsChanged: number };
  /** The parse floor, a pass before each round; the median pass (by parseFeed's rate) shown, with each pass's parseFeed rate. */
  floor: ParseFloorPass & { passes: number[] };
}

export async function benchIngest(feeds: number, itemsPerFeed: number, rounds: number, repolls: number): Promise<IngestResult> {
  const upstream = await startChild('feed-server.js', [String(feeds), String(itemsPerFeed), String(ATOM_EVERY)]);
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-ingest-'));
  try {
    const documents = await fetchDocuments(upstream.ports);
    // Untimed: the parsers' code compiled and warm, as it is by the middle of an ingest.
    await parseFloorPass(documents);
    const floors: ParseFloorPass[] = [];
    const measured: Round[] = [];
    let repollSeconds: number[] = [];
    let repoll: SourceResult[] = [];
    let unchanged: IngestResult['unchanged'] | undefined;
    let concurrency = 0;
    for (let round = 1; round <= rounds; round++) {
      const ctx = openRoundContext(dir, round, upstream.ports);
      concurrency = ctx.cfg.ingest.concurrency;
      // As serve and `wirefeed ingest` run: WAL checkpoints on a thread of their own.
      const checkpointer = startCheckpointer(ctx.db, ctx.log);
      try {
        floors.push(await parseFloorPass(documents));
        measured.push(await freshIngest(ctx, upstream.pid));
        if (round === rounds) {
          for (let i = 0; i < repolls; i++) {
            const t = performance.now();
            repoll = await runIngest(ctx, listSources(ctx.db));
            repollSeconds = [...repollSeconds, (performance.now() - t) / 1000];
          }
          unchanged = await unchangedRepoll(ctx);
        }
      } finally {
        await checkpointer.stop();
        ctx.db.close();
        rmSync(ctx.cfg.databasePath, { force: true });
      }
    }
    const median = [...measured].sort((a, b) => a.itemsPerSecond - b.itemsPerSecond)[Math.floor(measured.length / 2)]!;
    const floor = [...floors].sort((a, b) => a.parseFeed - b.parseFeed)[Math.floor(floors.length / 2)]!;
    return {
      ...median,
      feeds,
      itemsPerFeed,
      concurrency,
      rounds: measured.map((r) => r.itemsPerSecond),
      repollSeconds,
      repollNotModified: repoll.filter((r) => r.status === 'not-modified').length,
      unchanged: unchanged!,
      floor: { ...floor, passes: floors.map((f) => f.parseFeed) },
    };
  } finally {
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The demo configuration with its sources replaced by the loopback feeds, over a database of its own. */
function openRoundContext(dir: string, round: number, ports: readonly number[]): Context {
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>;
  config.database = join(dir, `ingest-${round}.db`);
  config.sources = ports.map((port, i) => ({ slug: `feed-${i + 1}`, name: `Feed ${i + 1} Wire`, url: `http://127.0.0.1:${port}/feed.xml` }));
  const configPath = join(dir, `config-${round}.yaml`);
  writeFileSync(configPath, stringifyYaml(config));
  // Logged as in production (one JSON line per source), into a sink rather than the terminal.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return openContext(loadConfig({ WIREFEED_CONFIG: configPath }), createLog('info', sink));
}

async function freshIngest(ctx: Context, upstreamPid: number): Promise<Round> {
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const serviceBefore = process.cpuUsage();
  // Linux numbers a process's main thread with the process id.
  const mainBefore = cpuSeconds(process.pid, process.pid);
  const upstreamBefore = cpuSeconds(upstreamPid);
  const started = performance.now();
  const results = await runIngest(ctx, listSources(ctx.db));
  const seconds = (performance.now() - started) / 1000;
  const service = process.cpuUsage(serviceBefore);
  const main = cpuSeconds(process.pid, process.pid) - mainBefore;
  stalls.disable();
  const itemsNew = sum(results, (r) => r.itemsNew);
  return {
    seconds,
    itemsNew,
    itemsPerSecond: itemsNew / seconds,
    errors: results.filter((r) => r.status === 'error').map((r) => `${r.source}: ${r.error}`),
    serviceCores: (service.user + service.system) / 1e6 / seconds,
    mainThreadCores: main / seconds,
    upstreamCores: (cpuSeconds(upstreamPid) - upstreamBefore) / seconds,
    eventLoopDelayMs: { p99: stalls.percentile(99) / 1e6, max: stalls.max / 1e6 },
  };
}

/** Every source again without its stored ETag and Last-Modified: 200s with the documents already stored. */
async function unchangedRepoll(ctx: Context): Promise<IngestResult['unchanged']> {
  ctx.db.prepare('UPDATE sources SET etag = NULL, last_modified = NULL').run();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const results = await runIngest(ctx, listSources(ctx.db));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    seconds,
    serviceCpuSeconds: (used.user + used.system) / 1e6,
    itemsSeen: sum(results, (r) => r.itemsSeen),
    itemsChanged: sum(results, (r) => r.itemsNew + r.itemsUpdated),
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
