// The writer's change loop: after every commit, what changed reaches those
// who keep a copy. It reads the keys the change's triggers queued
// (018_changed_keys.sql, store/changed-keys.ts), tells the WebSub hub which
// feeds they name (publish/push/websub.ts: deliveries queued for the built-in
// hub's subscribers, or publish.hub pinged), and sends the keys to every
// purger of the cache in front in batches (edge/purge-request.ts). A key is
// taken off once both are done; a purger that fails gets the same keys again
// after a back-off (1 s doubling to 5 min), and the hub is not told twice.
// Nothing here is awaited by an ingest or an admin change, which only wrote
// the queue in their own transactions, whichever process they ran in. The
// queue is looked at every 100 ms, so that a change is pushed and purged
// well within a second of its commit, and an embargo within a second of its end.
import type { Context } from '../../context.js';
import { type ChangedKey, deferPurges, markAnnounced, markPurged, pendingChanges, queueEmbargoLifts } from '../../store/changed-keys.js';
import { feedPathsOfKeys } from '../../store/articles/feeds-of.js';
import { encodeQueuedKey } from '../edge/keys.js';
import { purgerName, sendPurge } from '../edge/purge-request.js';
import { announceFeedChanges } from './websub.js';

const POLL_MS = 100;
/** Keys taken in one pass; more wait for the next, which follows at once. */
const KEYS_PER_PASS = 1_000;
const FIRST_RETRY_MS = 1_000;
/** Characters of keys in one purge header: under 8 KB with the header's name, whatever the keys. */
const MAX_KEYS_CHARS = 6_000;
const MAX_RETRY_MS = 5 * 60_000;

export interface ChangeObserver {
  /** One request's (or, with `{key}` URLs, one batch's) outcome at one purger. */
  onPurge?(purger: string, outcome: 'ok' | 'failed', keys: number): void;
}

export interface ChangeLoop {
  /** Ends the loop after the pass in flight. */
  stop(): Promise<void>;
}

export function startChangeLoop(ctx: Context, observer: ChangeObserver = {}): ChangeLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const next = (ms: number) => {
    if (!stopped) timer = setTimeout(() => (current = run()), ms);
  };
  const run = async () => {
    let more = false;
    try {
      more = await passOnce(ctx, observer);
    } catch (err) {
      ctx.log.error({ event: 'changes_failed', err }, 'changes: the queue of changed keys could not be read or written');
    }
    next(more ? 0 : POLL_MS);
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

/** One pass over the keys pending; true when more are pending at once. Exported for tests, which step it themselves. */
export async function passOnce(ctx: Context, observer: ChangeObserver = {}): Promise<boolean> {
  const now = Date.now();
  // An embargo that has just ended changed the lists without a write: queued here, it goes out with the rest.
  queueEmbargoLifts(ctx.db, now);
  const pending = pendingChanges(ctx.db, now, KEYS_PER_PASS);
  if (pending.length === 0) return false;
  const fresh = pending.filter((k) => k.announced < k.changes);
  // Keys the hub could not be told of stay for the next pass, purged or not.
  const kept = announce(ctx, fresh) ? pending : pending.filter((k) => !fresh.includes(k));
  const { purgers } = ctx.cfg.edge;
  const due = purgers.length === 0 ? kept : kept.filter((k) => k.dueAt <= now);
  if (purgers.length === 0) {
    markPurged(ctx.db, due);
    return pending.length === KEYS_PER_PASS;
  }
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
  return pending.length === KEYS_PER_PASS;
}

/** Tells the hub (built in, or publish.hub) which feeds the keys name; false, logged, when it could not. */
function announce(ctx: Context, fresh: readonly ChangedKey[]): boolean {
  if (fresh.length === 0) return true;
  try {
    if (ctx.cfg.websub.hubUrl) announceFeedChanges(ctx, feedPathsOfKeys(ctx.db, fresh.map((k) => k.key)));
    markAnnounced(ctx.db, fresh);
    return true;
  } catch (err) {
    ctx.log.warn({ event: 'websub_ping_failed', err }, 'websub: could not tell the hub which feeds changed');
    return false;
  }
}

/**
 * The keys in batches of at most `maxKeys`, whose header (keys and spaces)
 * stays within MAX_KEYS_CHARS: a percent-encoded tag in another script is
 * long, and 256 of them would pass the 8 KB a header line may have by
 * default in Varnish (http_req_hdr_len) and most servers, which would then
 * refuse the purge every time it is sent again.
 */
export function batchesOf<T extends { key: string }>(purges: readonly T[], maxKeys: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
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
function lagOf(purges: readonly ChangedKey[]): number {
  return purges.length === 0 ? 0 : Date.now() - Math.min(...purges.map((p) => p.queuedAt));
}
