// Memory of a process that ingests: the app in a child process over a copy
// of an archive (ingest-process.ts), the demo configuration's sources
// replaced by FEEDS loopback feeds of ITEMS items each (feed-server.ts),
// idle first, then through one run that stores every item as new. Resident
// memory (VmRSS) is read from outside, and the peak of the run is the
// kernel's high-water mark (VmHWM), reset just before the run so that it is
// the run's own and no short spike is missed between samples.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath } from '../src/config/config.js';
import type { Archive } from './archive.js';
import { type Child, memory, serveFlags, startChild } from './child.js';
import type { IngestReply } from './ingest-process.js';

export interface IngestMemoryResult {
  articles: number;
  feeds: number;
  itemsPerFeed: number;
  itemsNew: number;
  errors: number;
  seconds: number;
  /** VmRSS of the idle process, just before the run. */
  idleRss: number;
  /** VmHWM over the run alone. */
  peakRss: number;
  /** VmRSS 5 s after the run. */
  afterRss: number;
  /** The child's own samples of process.memoryUsage() during the run. */
  heapUsedPeak: number;
  externalPeak: number;
  /** The main thread's heap after a full collection, before and after the run: what it holds. */
  heapHeldIdle: number;
  heapHeldAfter: number;
}

export interface IngestMemoryOptions {
  /** Node flags of the child, besides serve's own; --expose-gc, --heap-prof… */
  execArgv?: string[];
  /** Keep the child's log here rather than in the scratch directory. */
  logFile?: string;
  progress?: (line: string) => void;
}

export async function benchIngestMemory(archive: Archive, feeds: number, itemsPerFeed: number, options: IngestMemoryOptions = {}): Promise<IngestMemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-ingest-memory-'));
  const upstream = await startChild('feed-server.js', [String(feeds), String(itemsPerFeed)]);
  let child: Child | undefined;
  try {
    // A copy: the run adds FEEDS × ITEMS articles, and the cached archive must stay as generated.
    const database = join(dir, 'archive.db');
    copyFileSync(archive.path, database);
    const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>;
    config.database = database;
    config.sources = upstream.ports.map((port, i) => ({ slug: `feed-${i + 1}`, name: `Feed ${i + 1} Wire`, url: `http://127.0.0.1:${port}/feed.xml` }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringifyYaml(config));
    child = await startChild('ingest-process.js', [], {
      env: { WIREFEED_CONFIG: configPath },
      // --expose-gc lets the child collect on request (the "held" figures); it changes nothing until asked.
      execArgv: [...serveFlags, '--expose-gc', ...(options.execArgv ?? [])],
      logFile: options.logFile ?? join(dir, 'ingest.log'),
    });
    const { pid } = child;
    // Settled: start-up's own garbage collected, the checkpoint thread running.
    await sleep(3000);
    const idleRss = memory(pid).rss;
    const heapHeldIdle = (await ask<{ usage: NodeJS.MemoryUsage }>(child, 'gc')).usage.heapUsed;
    // "5" resets the peak resident set (VmHWM) to the current one (proc(5), clear_refs).
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const reply = await ask<{ ingest: IngestReply }>(child, 'ingest');
    const peakRss = memory(pid).peak;
    options.progress?.(`ingest memory: RSS ${mb(idleRss)} MB idle, ${mb(peakRss)} MB at the peak of the run`);
    await sleep(5000);
    const afterRss = memory(pid).rss;
    const heapHeldAfter = (await ask<{ usage: NodeJS.MemoryUsage }>(child, 'gc')).usage.heapUsed;
    return {
      articles: archive.articles,
      feeds,
      itemsPerFeed,
      itemsNew: reply.ingest.itemsNew,
      errors: reply.ingest.errors,
      seconds: reply.ingest.seconds,
      idleRss,
      peakRss,
      afterRss,
      heapUsedPeak: reply.ingest.heapUsedPeak,
      externalPeak: reply.ingest.externalPeak,
      heapHeldIdle,
      heapHeldAfter,
    };
  } finally {
    await child?.stop();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends a message to the child and waits for its answer (or its error). */
function ask<T>(child: Child, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.process.once('message', (m: T | { error: string }) => ('error' in (m as object) ? reject(new Error((m as { error: string }).error)) : resolve(m as T)));
    child.process.send(message);
  });
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
