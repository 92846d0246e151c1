// The deliveries the built-in WebSub hub owes its subscribers (WebSub 7):
// queued when a feed changes, taken by the hub worker in the writer
// (hub/worker.ts), retried with exponential back-off and given up after a
// number of attempts. At most one per subscription: a change queued while
// one is owed joins it, since a delivery always sends the topic's newest
// document (coalescing: a subscriber that was away gets one document, not
// every version it missed).
import { type Db, prepared } from '../db/db.js';
import type { FeedFormat } from './subscriptions.js';

/**
 * THE entry point for changes: every active subscription to any format of
 * these feeds is owed a delivery, due now (one already owed keeps its place
 * and back-off). `feedPaths` are paths without a format extension, as
 * feedPathsOfArticles names them (store/articles/feeds-of.ts). Call it once
 * the change is committed. Returns the subscriptions queued.
 */
export function queueHubDeliveries(db: Db, feedPaths: readonly string[], now: number | Date = Date.now()): number {
  if (feedPaths.length === 0) return 0;
  const at = typeof now === 'number' ? now : now.getTime();
  const queue = prepared(
    db,
    `INSERT INTO websub_deliveries (subscription_id, queued_at, due_at)
     SELECT id, @at, @at FROM websub_subscriptions
      WHERE feed_path IN (SELECT value FROM json_each(@paths)) AND expires_at > @at
     ON CONFLICT (subscription_id) DO UPDATE SET changes = changes + 1`,
  );
  return queue.run({ at, paths: JSON.stringify([...new Set(feedPaths)]) }).changes;
}

/** A delivery the worker takes: where, what, and how many tries it has had. */
export interface DueDelivery {
  subscriptionId: number;
  /** The changes queued into it when it was taken (see deliverySucceeded). */
  changes: number;
  attempts: number;
  feedPath: string;
  format: FeedFormat;
  callback: string;
  secret?: string;
  /** Hex SHA-256 of the last document the subscriber took, if any: the same document is not sent again. */
  sentDigest?: string;
}

interface DueRow {
  subscription_id: number;
  changes: number;
  attempts: number;
  feed_path: string;
  format: FeedFormat;
  callback: string;
  secret: string | null;
  sent_digest: string | null;
}

/** Deliveries due by `now`, longest due first, leaving out those under way; never to a subscription whose lease has run out. */
export function dueDeliveries(db: Db, now: number, limit: number, busy: readonly number[] = []): DueDelivery[] {
  const due = prepared(
    db,
    `SELECT d.subscription_id, d.changes, d.attempts, s.feed_path, s.format, s.callback, s.secret, s.sent_digest
       FROM websub_deliveries d JOIN websub_subscriptions s ON s.id = d.subscription_id
      WHERE d.due_at <= ? AND s.expires_at > ? AND d.subscription_id NOT IN (SELECT value FROM json_each(?))
      ORDER BY d.due_at LIMIT ?`,
  );
  const rows = due.all(now, now, JSON.stringify(busy), limit) as DueRow[];
  return rows.map((r) => ({
    subscriptionId: r.subscription_id,
    changes: r.changes,
    attempts: r.attempts,
    feedPath: r.feed_path,
    format: r.format,
    callback: r.callback,
    secret: r.secret ?? undefined,
    sentDigest: r.sent_digest ?? undefined,
  }));
}

/**
 * The callback took the document whose digest is `digest`. The delivery is
 * done unless a change was queued into it meanwhile that the document did
 * not hold (`current` false: the content moved after it was rendered); then
 * it is due again at once, its attempts starting over.
 */
export function deliverySucceeded(db: Db, d: Pick<DueDelivery, 'subscriptionId' | 'changes'>, current: boolean, now: number, digest: string): void {
  db.transaction(() => {
    settle(db, d, current, now);
    prepared(db, 'UPDATE websub_subscriptions SET delivered_at = ?, sent_digest = ? WHERE id = ?').run(now, digest, d.subscriptionId);
  }).immediate();
}

/** The subscriber already has the topic's document as it is now: nothing is sent, and the delivery is settled as if it had been. */
export function deliveryUnneeded(db: Db, d: Pick<DueDelivery, 'subscriptionId' | 'changes'>, current: boolean, now: number): void {
  db.transaction(() => settle(db, d, current, now)).immediate();
}

function settle(db: Db, d: Pick<DueDelivery, 'subscriptionId' | 'changes'>, current: boolean, now: number): void {
  const done = prepared(db, `DELETE FROM websub_deliveries WHERE subscription_id = ?${current ? '' : ' AND changes = ?'}`);
  const removed = done.run(...(current ? [d.subscriptionId] : [d.subscriptionId, d.changes])).changes;
  if (removed === 0) {
    prepared(db, 'UPDATE websub_deliveries SET attempts = 0, due_at = ?, last_error = NULL WHERE subscription_id = ?').run(now, d.subscriptionId);
  }
}

export interface RetryPolicy {
  /** The wait after the first failure; each failure doubles it, up to maxRetryMs. */
  retryMs: number;
  maxRetryMs: number;
  /** Attempts in all before the delivery is given up. */
  maxAttempts: number;
}

/**
 * An attempt failed: the delivery is due again after its back-off, or, at
 * its last attempt, given up (removed, and the time recorded on the
 * subscription, which stays: the next change queues a delivery again).
 * Returns which, and when it is due next.
 */
export function deliveryFailed(db: Db, subscriptionId: number, error: string, policy: RetryPolicy, now: number): { abandoned: boolean; dueAt?: number } {
  return db
    .transaction(() => {
      const row = prepared(db, 'SELECT attempts FROM websub_deliveries WHERE subscription_id = ?').get(subscriptionId) as { attempts: number } | undefined;
      prepared(db, 'UPDATE websub_subscriptions SET last_error = ? WHERE id = ?').run(error, subscriptionId);
      // Unsubscribed or expired while it was under way: nothing is owed any more.
      if (!row) return { abandoned: false };
      const attempts = row.attempts + 1;
      if (attempts >= policy.maxAttempts) {
        prepared(db, 'DELETE FROM websub_deliveries WHERE subscription_id = ?').run(subscriptionId);
        prepared(db, 'UPDATE websub_subscriptions SET abandoned_at = ? WHERE id = ?').run(now, subscriptionId);
        return { abandoned: true };
      }
      const dueAt = now + retryDelay(policy, attempts);
      prepared(db, 'UPDATE websub_deliveries SET attempts = ?, due_at = ?, last_error = ? WHERE subscription_id = ?').run(attempts, dueAt, error, subscriptionId);
      return { abandoned: false, dueAt };
    })
    .immediate();
}

/** A delivery that cannot be made (its topic's feed is gone): removed, and why recorded on the subscription. */
export function cancelDelivery(db: Db, subscriptionId: number, reason: string): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM websub_deliveries WHERE subscription_id = ?').run(subscriptionId);
    prepared(db, 'UPDATE websub_subscriptions SET last_error = ? WHERE id = ?').run(reason, subscriptionId);
  }).immediate();
}

/** The wait after the `failures`th failure in a row: retryMs, doubled each time, at most maxRetryMs. */
export function retryDelay(policy: Pick<RetryPolicy, 'retryMs' | 'maxRetryMs'>, failures: number): number {
  return Math.min(policy.maxRetryMs, policy.retryMs * 2 ** Math.min(failures - 1, 40));
}

/** What /metrics shows: deliveries owed, and of them those waiting after a failure. */
export function hubQueueLength(db: Db): { owed: number; retrying: number } {
  const row = prepared(db, 'SELECT count(*) AS owed, count(*) FILTER (WHERE attempts > 0) AS retrying FROM websub_deliveries').get() as {
    owed: number;
    retrying: number;
  };
  return row;
}

/** The delivery owed to a subscription, for tests and the admin's questions. */
export function findDelivery(db: Db, subscriptionId: number): { changes: number; attempts: number; dueAt: number; queuedAt: number; lastError?: string } | undefined {
  const row = prepared(db, 'SELECT * FROM websub_deliveries WHERE subscription_id = ?').get(subscriptionId) as
    | { changes: number; attempts: number; due_at: number; queued_at: number; last_error: string | null }
    | undefined;
  return row && { changes: row.changes, attempts: row.attempts, dueAt: row.due_at, queuedAt: row.queued_at, lastError: row.last_error ?? undefined };
}
