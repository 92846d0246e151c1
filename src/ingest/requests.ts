// The writer's side of an ingest asked for by another process (`wirefeed
// ingest --once` while this `serve` holds the writer lease): every poll it
// takes the oldest request not finished, runs it through the schedule, so
// that it never overlaps a scheduled run, and records which run it was.
// One request at a time; the CLI reads the results from that run.
import type { Context } from '../context.js';
import { type Scheduler, SchedulerStopped } from './schedule.js';
import { finishIngestRequest, type IngestRequest, nextIngestRequest, startIngestRequest } from '../store/ingest-requests.js';
import { findSourceBySlug, listSources } from '../store/sources.js';

/** Often enough that a waiting CLI hardly notices; a poll is one indexed read. */
export const REQUEST_POLL_MS = 1_000;

export interface RequestPoller {
  /** Takes no more requests; resolves when the one being run has ended. */
  stop(): Promise<void>;
}

export function startRequestPoller(ctx: Context, scheduler: Scheduler, pollMs = REQUEST_POLL_MS): RequestPoller {
  let current: Promise<void> | undefined;
  let stopped = false;
  const poll = () => {
    if (current || stopped) return;
    let request: IngestRequest | undefined;
    try {
      request = nextIngestRequest(ctx.db);
    } catch (err) {
      ctx.log.error({ event: 'ingest_request_failed', err }, 'requests: cannot read the ingest requests');
      return;
    }
    if (!request) return;
    current = runRequest(ctx, scheduler, request).finally(() => (current = undefined));
  };
  const timer = setInterval(poll, pollMs);
  timer.unref();
  poll();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

async function runRequest(ctx: Context, scheduler: Scheduler, request: IngestRequest): Promise<void> {
  const { id, sourceSlug } = request;
  try {
    startIngestRequest(ctx.db, id, new Date());
    const source = sourceSlug === undefined ? undefined : findSourceBySlug(ctx.db, sourceSlug);
    if (sourceSlug !== undefined && !source) {
      // Removed between the request and now: finished, with no run to show.
      ctx.log.warn({ event: 'ingest_request_failed', request: id, source: sourceSlug }, `requests: no source "${sourceSlug}"`);
      finishIngestRequest(ctx.db, id, undefined, new Date());
      return;
    }
    ctx.log.info({ event: 'ingest_request_started', request: id, source: sourceSlug }, 'running an ingest asked for by another process');
    const { runId } = await scheduler.runNow(source ? [source] : listSources(ctx.db));
    finishIngestRequest(ctx.db, id, runId, new Date());
  } catch (err) {
    // Stopped (the lease lost, a shutdown) before it began: left for the next writer.
    if (err instanceof SchedulerStopped) return;
    ctx.log.error({ event: 'ingest_request_failed', request: id, err }, 'requests: the ingest asked for failed');
    try {
      finishIngestRequest(ctx.db, id, undefined, new Date());
    } catch {
      // The database refuses writes: the next writer finds the request still open.
    }
  }
}
