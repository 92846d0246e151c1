// Partner usage, tallied in memory and written behind: request counts (the
// partners table), and the daily figures and first deliveries of the usage
// reports (migration 021). A reader never writes on a request's path
// (shared/PRODUCT.md, "Processes"): a write there waits for the database's
// write lock, up to busy_timeout (5 s) while another process writes, and
// costs a commit per request. So a request only adds to this tally, and the
// tally reaches the database in one short transaction: every few seconds,
// sooner once it holds many requests, and at shutdown. A flush that fails
// (another writer holds the lock, the disk is failing) keeps its counts for
// the next one: they are late, never lost, and the request that was counted
// never hears of it.
//
// It lives in store/, beside partners.ts, rather than in http/: it is the
// partners table's write path, used by http/ (count) and cli/serve/serve.ts
// (close), both of which sit above store/.
import type { Log } from '../observe/log.js';
import { type Db, withBusyTimeout } from './db/db.js';
import { noteDatabaseError } from './db/health.js';
import { writeUsage } from './partners.js';
import { type Answer, type UsageBatch, UsageTally } from './usage-tally.js';

/** Default time between flushes; `partners list` lags a running server by at most this. */
export const FLUSH_EVERY_MS = 5_000;
/** Default number of tallied requests that makes a flush due before the timer. */
export const FLUSH_AFTER_REQUESTS = 1_000;

export interface PartnerUsageOptions {
  flushEveryMs?: number;
  flushAfterRequests?: number;
}

export class PartnerUsage {
  private pending = new UsageTally();
  /** Set from a failed flush until one succeeds: the failure is logged once, and size no longer triggers flushes. */
  private failing = false;
  private soon: NodeJS.Immediate | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly flushAfterRequests: number;

  constructor(
    private readonly db: Db,
    private readonly log: Log,
    options: PartnerUsageOptions = {},
  ) {
    this.flushAfterRequests = options.flushAfterRequests ?? FLUSH_AFTER_REQUESTS;
    this.timer = setInterval(() => this.flush(), options.flushEveryMs ?? FLUSH_EVERY_MS);
    // A tally is no reason to keep a process alive; serve flushes it on the way out.
    this.timer.unref();
  }

  /** Counts one request of the partner's, admitted at `at`: memory only, never the database. */
  count(partnerId: number, at = Date.now()): void {
    this.pending.count(partnerId, at);
    this.flushIfFull();
  }

  /** Counts the answer to one of the partner's requests, once sent: its bytes, a 304, the articles it carried. */
  answered(partnerId: number, answer: Answer): void {
    this.pending.answered(partnerId, answer);
  }

  /** Adds a reader process's tally, received by serve's primary. */
  add(batch: UsageBatch): void {
    this.pending.add(batch);
    this.flushIfFull();
  }

  private flushIfFull(): void {
    if (this.pending.requests < this.flushAfterRequests || this.failing || this.soon) return;
    // After the request that filled it has been answered, not inside it.
    this.soon = setImmediate(() => {
      this.soon = undefined;
      this.flush();
    });
    this.soon.unref();
  }

  /** Requests counted and not yet written. */
  get unwritten(): number {
    return this.pending.requests;
  }

  /**
   * Writes the tally in one transaction; true when nothing is left unwritten.
   * Never throws. It does not wait for another process's write lock (it runs
   * on the thread that answers requests): a busy database fails it at once,
   * and the counts wait for the next flush. `waitForLock` waits up to
   * SHUTDOWN_LOCK_WAIT_MS instead: for shutdown, when nothing else waits on
   * this thread and there is no next flush.
   */
  flush(waitForLock = false): boolean {
    if (this.pending.empty) return true;
    if (!this.db.open) return this.lost('the database was closed first');
    const requests = this.pending.requests;
    const batch = this.pending.take();
    try {
      const write = this.db.transaction(() => writeUsage(this.db, batch));
      if (waitForLock) withBusyTimeout(this.db, SHUTDOWN_LOCK_WAIT_MS, () => write.immediate());
      else withBusyTimeout(this.db, 0, () => write.immediate());
    } catch (err) {
      // Back into the tally, beside whatever was counted meanwhile.
      this.pending.add(batch);
      noteDatabaseError(this.db, err);
      if (!this.failing) this.log.warn({ event: 'partner_counts_unwritten', requests: this.pending.requests, err }, 'could not write partner request counts; kept for the next flush');
      this.failing = true;
      return false;
    }
    if (this.failing) this.log.info({ event: 'partner_counts_written', requests }, 'partner request counts written again');
    this.failing = false;
    return true;
  }

  /** Stops the timer and writes what is left, waiting out another writer's lock: call before closing the database. */
  close(): boolean {
    clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    const written = this.flush(true);
    if (!this.pending.empty) this.lost('the last flush failed');
    return written;
  }

  /** Counts that can no longer be written: said once, then dropped. */
  private lost(why: string): false {
    clearInterval(this.timer);
    this.log.error({ event: 'partner_counts_lost', requests: this.pending.requests, reason: why }, 'partner request counts lost');
    this.pending = new UsageTally();
    return false;
  }
}

/**
 * How long the last flush at shutdown waits for another process's lock:
 * within the second that serve allows past its grace before it ends the
 * process (cli/serve/serve.ts), so that the counts are written or said lost,
 * never cut off halfway.
 */
const SHUTDOWN_LOCK_WAIT_MS = 500;
