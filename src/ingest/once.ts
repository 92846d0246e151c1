// One ingest asked for now, by the CLI (`ingest --once`) or the admin API
// (`POST /admin/ingest`), run so that only the writer ingests
// (store/db/lease.ts). With no live writer this process takes the lease,
// ingests here, beating the lease as it goes, and gives it up. Next to a
// writer (a running `serve`, or this very process's own schedule) it asks
// that writer for the run (store/ingest-requests.ts; requests.ts runs it
// after any run in progress) and waits, only reading, until the run has
// ended; then it reads the results the run recorded. Either way there is
// one ingest at a time and no "database is locked". Should the writer die
// while this waits, this process takes the lease within the timeout and
// runs the ingest itself.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import type { Source, SourceResult } from '../model.js';
import { passOnce } from '../publish/push/changes.js';
import { type RecordedRun, runIngestRecorded } from './run.js';
import { startCheckpointer } from '../store/db/checkpointer.js';
import { WriterLease } from '../store/db/lease.js';
import { addIngestRequest, findIngestRequest, finishIngestRequest, startIngestRequest } from '../store/ingest-requests.js';
import { listRunResults, type RecordedResult } from '../store/runs.js';

/** How often a handed-off ingest's row is read: a cheap read, and the wait is what the caller sees. */
const WAIT_POLL_MS = 200;

export interface OnceHooks {
  /** A line for the person waiting (the CLI prints it). */
  say?(line: string): void;
  /** Each source's result as it finishes, when the ingest runs here. */
  onResult?(result: SourceResult): void;
  /** Run WAL checkpoints beside the ingest: for a process that has no checkpointer of its own. */
  checkpoints?: boolean;
  /**
   * After an ingest run here, pass what it changed to the hub and the
   * purgers (publish/push/changes.ts) before returning: for a process with
   * no change loop of its own (the CLI, run from cron with no serve).
   */
  drainChanges?: boolean;
  /**
   * Never take the lease here, only hand the run over: for a caller whose
   * process has a writer of its own that holds the lease or will take it
   * over (serve's writer thread).
   */
  handOffOnly?: boolean;
}

/** Ingests `sources` (all, or the one named `slug`); undefined when the writer could not run it (its log says why). */
/** A source's result: whole when the run was here, as recorded (ingest_results) when a writer elsewhere ran it. */
export type OnceResult = RecordedResult & Partial<SourceResult>;

export async function ingestOnce(ctx: Context, sources: readonly Source[], slug: string | undefined, hooks: OnceHooks = {}): Promise<OnceResult[] | undefined> {
  if (hooks.handOffOnly) return handOff(ctx, sources, slug, undefined, hooks);
  const { writerHeartbeatMs: heartbeatMs, writerTimeoutMs: timeoutMs } = ctx.cfg.server;
  const lease = new WriterLease(ctx.db, ctx.log, { heartbeatMs, timeoutMs });
  try {
    return lease.start().isWriter ? (await ingestHere(ctx, sources, lease, hooks)).results : await handOff(ctx, sources, slug, lease, hooks);
  } finally {
    lease.stop();
  }
}

/** The ingest in this process, as the writer; it stops taking sources should the lease be lost. */
async function ingestHere(ctx: Context, sources: readonly Source[], lease: WriterLease, hooks: OnceHooks): Promise<RecordedRun> {
  const lost = new AbortController();
  lease.onChange((writer) => writer || lost.abort());
  const checkpointer = hooks.checkpoints ? startCheckpointer(ctx.db, ctx.log) : undefined;
  try {
    const run = await runIngestRecorded(ctx, sources, (r) => hooks.onResult?.(r), lost.signal);
    // Keys a purger refuses stay queued, for the next writer's change loop.
    if (hooks.drainChanges) while (lease.isWriter && (await passOnce(ctx))) {}
    return run;
  } finally {
    await checkpointer?.stop();
  }
}

/**
 * Asks the writer for the run and waits for it; undefined if the writer
 * could not run it. A writer that is itself a one-off ingest takes no
 * requests: this waits until it is done, then takes the lease and runs
 * the request here.
 */
async function handOff(ctx: Context, sources: readonly Source[], slug: string | undefined, lease: WriterLease | undefined, hooks: OnceHooks) {
  const id = addIngestRequest(ctx.db, slug, new Date());
  hooks.say?.('Another process is the writer: this ingest is handed to it; waiting…');
  let announced = false;
  for (;;) {
    await sleep(WAIT_POLL_MS);
    const request = findIngestRequest(ctx.db, id);
    if (request?.finishedAt !== undefined) return request.runId === undefined ? undefined : listRunResults(ctx.db, request.runId);
    if (lease?.isWriter) {
      // The writer died, and this process took its place: the ingest is ours to run.
      hooks.say?.('The writer has stopped; ingesting here.');
      startIngestRequest(ctx.db, id, new Date());
      const { runId, results } = await ingestHere(ctx, sources, lease, hooks);
      finishIngestRequest(ctx.db, id, runId, new Date());
      return results;
    }
    if (request?.startedAt !== undefined && !announced) {
      hooks.say?.('The server has started it.');
      announced = true;
    }
  }
}
