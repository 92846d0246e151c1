// `wirefeed ingest --once`: one ingest now, with progress, ending in a
// per-source table. It writes only as the writer (store/db/lease.ts). With
// no live writer it takes the lease, ingests here, beating the lease as it
// goes, and gives it up. Next to a running `serve` that holds it, it asks
// that writer for the run (store/ingest-requests.ts; ingest/requests.ts on
// the other side) and waits, only reading, until the run has ended; then it
// prints the same table from what the run recorded. Either way there is one
// ingest at a time and no "database is locked". Should the writer die while
// this waits, this process takes the lease within the timeout and runs the
// ingest itself.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliIo } from './common.js';
import type { Context } from '../context.js';
import { type RecordedRun, runIngestRecorded } from '../ingest/run.js';
import type { Source } from '../model.js';
import { ingestProgress, resultTable } from './output.js';
import { startCheckpointer } from '../store/db/checkpointer.js';
import { WriterLease } from '../store/db/lease.js';
import { addIngestRequest, findIngestRequest, finishIngestRequest, startIngestRequest } from '../store/ingest-requests.js';
import { listRunResults } from '../store/runs.js';

/** How often a handed-off ingest's row is read: a cheap read, and the wait is what the user sees. */
const WAIT_POLL_MS = 200;

/** Ingests `sources` (all of them, or the one named `slug`), prints the table; exit code 1 if a source failed. */
export async function ingestOnce(io: CliIo, ctx: Context, sources: readonly Source[], slug: string | undefined): Promise<void> {
  const { writerHeartbeatMs: heartbeatMs, writerTimeoutMs: timeoutMs } = ctx.cfg.server;
  const lease = new WriterLease(ctx.db, ctx.log, { heartbeatMs, timeoutMs });
  io.out(`Ingesting ${sources.length} source${sources.length === 1 ? '' : 's'}…`);
  try {
    const results = lease.start().isWriter ? (await ingestHere(io, ctx, sources, lease)).results : await handOff(io, ctx, sources, slug, lease);
    if (!results) {
      io.out('The running server could not run this ingest; its log says why.');
      process.exitCode = 1;
      return;
    }
    io.out('');
    io.out(resultTable(results));
    if (results.some((r) => r.status === 'error')) process.exitCode = 1;
  } finally {
    lease.stop();
  }
}

/** The ingest in this process, as the writer; it stops taking sources should the lease be lost. */
async function ingestHere(io: CliIo, ctx: Context, sources: readonly Source[], lease: WriterLease): Promise<RecordedRun> {
  const lost = new AbortController();
  lease.onChange((writer) => writer || lost.abort());
  const progress = ingestProgress(sources.length, io.out, io.terminal ?? process.stdout);
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  try {
    return await runIngestRecorded(ctx, sources, (r) => progress.advance(r), lost.signal);
  } finally {
    await checkpointer.stop();
    progress.end();
  }
}

/**
 * Asks the writer for the run and waits for it; undefined if the writer
 * could not run it. A writer that is itself a CLI ingest takes no
 * requests: this waits until it is done, then takes the lease and runs
 * the request here.
 */
async function handOff(io: CliIo, ctx: Context, sources: readonly Source[], slug: string | undefined, lease: WriterLease) {
  const id = addIngestRequest(ctx.db, slug, new Date());
  io.out('Another process is the writer: this ingest is handed to it; waiting…');
  let announced = false;
  for (;;) {
    await sleep(WAIT_POLL_MS);
    const request = findIngestRequest(ctx.db, id);
    if (request?.finishedAt !== undefined) return request.runId === undefined ? undefined : listRunResults(ctx.db, request.runId);
    if (lease.isWriter) {
      // The writer died, and this process took its place: the ingest is ours to run.
      io.out('The writer has stopped; ingesting here.');
      startIngestRequest(ctx.db, id, new Date());
      const { runId, results } = await ingestHere(io, ctx, sources, lease);
      finishIngestRequest(ctx.db, id, runId, new Date());
      return results;
    }
    if (request?.startedAt !== undefined && !announced) {
      io.out('The server has started it.');
      announced = true;
    }
  }
}
