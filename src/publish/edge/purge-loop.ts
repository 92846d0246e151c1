// The writer's purge loop: takes the keys that committed changes queued
// (018_edge_purges.sql, store/edge-purges.ts), sends them to every purger in
// batches (purge-request.ts), and takes a key off the queue once every
// purger has it. A purger that fails gets the same keys again after a
// back-off (1 s doubling to 5 min); nothing here is awaited by an ingest or
// an admin change, which only wrote the queue in their own transactions.
// The queue is looked at every 100 ms, so that a change reaches the cache
// in front well within a second of its commit.
import type { Context } from '../../context.js';
import { clearPurges, deferPurges, duePurges, markPurged, purgeBacklog, type QueuedPurge } from '../../store/edge-purges.js';
import { encodeQueuedKey } from './keys.js';
import { purgerName, sendPurge } from './purge-request.js';

const POLL_MS = 100;
/** With no purger, the queue is only emptied now and then. */
const IDLE_CLEAR_MS = 10_000;
/** Keys taken in one pass; more wait for the next, which follows at once. */
const KEYS_PER_PASS = 1_000;
const FIRST_RETRY_MS = 1_000;
/** Characters of keys in one purge header: under 8 KB with the header's name, whatever the keys. */
const MAX_KEYS_CHARS = 6_000;
const MAX_RETRY_MS = 5 * 60_000;

export interface PurgeObserver {
  /** One request's (or, with `{key}` URLs, one batch's) outcome at one purger. */
  onPurge?(purger: string, outcome: 'ok' | 'failed', keys: number): void;
}

export interface PurgeLoop {
  /** Ends the loop after the pass in flight. */
  stop(): Promise<void>;
}

export function startPurgeLoop(ctx: Context, observer: PurgeObserver = {}): PurgeLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const next = (ms: number) => {
    if (!stopped) timer = setTimeout(() => (current = run()), ms);
  };
  const run = async () => {
    let more = false;
    try {
      more = await purgeOnce(ctx, observer);
    } catch (err) {
      ctx.log.error({ event: 'edge_purge_failed', err }, 'edge: the purge queue could not be read or written');
    }
    next(more ? 0 : ctx.cfg.edge.purgers.length === 0 ? IDLE_CLEAR_MS : POLL_MS);
  };
  next(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/** One pass over the keys due; true when more are due at once. Exported for tests, which step it themselves. */
export async function purgeOnce(ctx: Context, observer: PurgeObserver = {}): Promise<boolean> {
  const { purgers } = ctx.cfg.edge;
  if (purgers.length === 0) return purgeBacklog(ctx.db, Date.now()).keys > 0 && clearPurges(ctx.db);
  const due = duePurges(ctx.db, Date.now(), KEYS_PER_PASS);
  if (due.length === 0) return false;
  const failed = new Set<string>();
  for (const purger of purgers) {
    for (const batch of batchesOf(due, purger.batch)) {
      try {
        await sendPurge(purger, batch.map((p) => encodeQueuedKey(p.key)));
        observer.onPurge?.(purgerName(purger), 'ok', batch.length);
      } catch (err) {
        batch.forEach((p) => failed.add(p.key));
        observer.onPurge?.(purgerName(purger), 'failed', batch.length);
        const error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
        ctx.log.warn({ event: 'edge_purge_failed', purger: purgerName(purger), keys: batch.length, error }, 'edge: a purge failed; it will be sent again');
      }
    }
  }
  const done = due.filter((p) => !failed.has(p.key));
  markPurged(ctx.db, done);
  deferPurges(
    ctx.db,
    due.filter((p) => failed.has(p.key)),
    (attempts) => Date.now() + Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS),
  );
  ctx.log.debug({ event: 'edge_purged', keys: done.length, failed: failed.size, lag_ms: lagOf(done) }, 'edge: keys purged');
  return due.length === KEYS_PER_PASS;
}

/**
 * The keys in batches of at most `maxKeys`, whose header (keys and spaces)
 * stays within MAX_KEYS_CHARS: a percent-encoded tag in another script is
 * long, and 256 of them would pass the 8 KB a header line may have by
 * default in Varnish (http_req_hdr_len) and most servers, which would then
 * refuse the purge every time it is sent again.
 */
export function batchesOf(purges: readonly QueuedPurge[], maxKeys: number): QueuedPurge[][] {
  const batches: QueuedPurge[][] = [];
  let batch: QueuedPurge[] = [];
  let chars = 0;
  for (const purge of purges) {
    const length = encodeQueuedKey(purge.key).length + 1;
    if (batch.length > 0 && (batch.length >= maxKeys || chars + length > MAX_KEYS_CHARS)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(purge);
    chars += length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** How long the oldest key purged had waited since its change was committed. */
function lagOf(purges: readonly QueuedPurge[]): number {
  return purges.length === 0 ? 0 : Date.now() - Math.min(...purges.map((p) => p.queuedAt));
}
