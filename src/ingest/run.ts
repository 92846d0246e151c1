// One ingest run over a set of sources: a bounded number at a time, and at
// most one request at a time to any one host, so that a wire service with
// twenty feeds on one server is polled politely. Every source's result is
// recorded under the run. Once `signal` is aborted (the server is stopping)
// no further source is started; a fetch still running ends and its source is
// recorded as interrupted; a source past its fetch is stored as usual.
import type { Context } from '../context.js';
import type { Source, SourceResult } from '../model.js';
import { finishRun, recordRunResult, startRun } from '../store/runs.js';
import { refreshSource } from './refresh.js';
import { createTurns } from './turns.js';

export async function runIngest(
  ctx: Context,
  sources: readonly Source[],
  onResult?: (result: SourceResult) => void,
  signal?: AbortSignal,
): Promise<SourceResult[]> {
  return (await runIngestRecorded(ctx, sources, onResult, signal)).results;
}

export interface RecordedRun {
  /** The ingest_runs row its results are recorded under. */
  runId: number;
  results: SourceResult[];
}

/** runIngest, also saying which run it was: for a process that reads the results from the database (an ingest asked of the writer). */
export async function runIngestRecorded(
  ctx: Context,
  sources: readonly Source[],
  onResult?: (result: SourceResult) => void,
  signal?: AbortSignal,
): Promise<RecordedRun> {
  const runId = startRun(ctx.db, new Date());
  const results: SourceResult[] = [];
  const pending = [...sources];
  const busyHosts = new Set<string>();
  const turns = createTurns();
  let waiting: (() => void)[] = [];

  const worker = async (): Promise<void> => {
    while (pending.length > 0 && !signal?.aborted) {
      const index = pending.findIndex((s) => !busyHosts.has(hostOf(s)));
      if (index < 0) {
        // Every pending source is on a host in use: wait for one to free up.
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const [source] = pending.splice(index, 1) as [Source];
      const host = hostOf(source);
      busyHosts.add(host);
      try {
        const result = await refreshSource(ctx, source, new Date(), turns, signal);
        recordRunResult(ctx.db, runId, source.id, result);
        results.push(result);
        onResult?.(result);
      } finally {
        busyHosts.delete(host);
        const wake = waiting;
        waiting = [];
        wake.forEach((resolve) => resolve());
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.cfg.ingest.concurrency, pending.length) }, worker));
  finishRun(ctx.db, runId, new Date());
  return { runId, results: results.sort((a, b) => a.source.localeCompare(b.source)) };
}

/** The host a source's requests go to; local files and article folders share none. */
function hostOf(source: Source): string {
  const url = source.fetchUrl ?? source.url;
  return url?.startsWith('http') ? new URL(url).host : `source:${source.slug}`;
}
