// One ingest run over a set of sources, a bounded number at a time; every
// source's result is recorded under the run.
import type { Context } from '../context.js';
import type { Source, SourceResult } from '../model.js';
import { finishRun, recordRunResult, startRun } from '../store/runs.js';
import { refreshSource } from './refresh.js';

export async function runIngest(
  ctx: Context,
  sources: readonly Source[],
  onResult?: (result: SourceResult) => void,
): Promise<SourceResult[]> {
  const runId = startRun(ctx.db, new Date());
  const results: SourceResult[] = [];
  const queue = [...sources];
  const worker = async () => {
    for (let source = queue.shift(); source; source = queue.shift()) {
      const result = await refreshSource(ctx, source);
      recordRunResult(ctx.db, runId, source.id, result);
      results.push(result);
      onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.cfg.ingest.concurrency, queue.length) }, worker));
  finishRun(ctx.db, runId, new Date());
  return results.sort((a, b) => a.source.localeCompare(b.source));
}
