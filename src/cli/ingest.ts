// `wirefeed ingest --once`: one ingest now, with progress, ending in a
// per-source table. Who runs it, this process as the writer or a running
// `serve` it is handed to, is ingest/once.ts's to decide.
import type { CliIo } from './common.js';
import type { Context } from '../context.js';
import { ingestOnce as runOnce } from '../ingest/once.js';
import type { Source } from '../model.js';
import { ingestProgress, resultTable } from './output.js';

/** Ingests `sources` (all of them, or the one named `slug`), prints the table; exit code 1 if a source failed. */
export async function ingestOnce(io: CliIo, ctx: Context, sources: readonly Source[], slug: string | undefined): Promise<void> {
  // Progress on standard error, the table alone on standard output: `wirefeed ingest --once > results.txt` holds just the table.
  const say = io.err ?? ((line: string) => void process.stderr.write(`${line}\n`));
  say(`Ingesting ${sources.length} source${sources.length === 1 ? '' : 's'}…`);
  const progress = ingestProgress(sources.length, say, io.terminal ?? process.stderr);
  let results;
  try {
    results = await runOnce(ctx, sources, slug, { say, onResult: (r) => progress.advance(r), checkpoints: true, drainChanges: true });
  } finally {
    progress.end();
  }
  if (!results) {
    say('The running server could not run this ingest; its log says why.');
    process.exitCode = 1;
    return;
  }
  io.out(resultTable(results));
  if (results.some((r) => r.status === 'error')) process.exitCode = 1;
}
