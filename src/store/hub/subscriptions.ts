// The built-in WebSub hub's subscriptions (migration 020): one per topic
// (a feed in one format) and callback, made or renewed when a subscriber
// confirms a subscribe request (hub/verify.ts), removed when it confirms an
// unsubscribe or when its lease runs out (WebSub 5.1, 5.3).
import { type Db, prepared } from '../db/db.js';

/** The formats every feed is published in (publish/document.ts feedFormats). */
export type FeedFormat = 'rss' | 'atom' | 'json';

/** One format of one feed: `feedPath` as feedPathsOfArticles names it (store/articles/feeds-of.ts). */
export interface Topic {
  feedPath: string;
  format: FeedFormat;
}

/** Who asks for a topic, and where it is to be pushed. */
export interface Subscriber extends Topic {
  callback: string;
  /** The callback's host name, lower case. */
  callbackHost: string;
  /** hub.secret: the key of X-Hub-Signature. */
  secret?: string;
  leaseSeconds: number;
}

export interface Subscription extends Subscriber {
  id: number;
  verifiedAt: number;
  expiresAt: number;
  deliveredAt?: number;
  abandonedAt?: number;
  lastError?: string;
}

interface Row {
  id: number;
  feed_path: string;
  format: FeedFormat;
  callback: string;
  callback_host: string;
  secret: string | null;
  lease_seconds: number;
  verified_at: number;
  expires_at: number;
  delivered_at: number | null;
  abandoned_at: number | null;
  last_error: string | null;
}

/**
 * A confirmed subscribe: the subscription made, or renewed with the new
 * lease and secret (5.1: a subscriber renews by subscribing again, with no
 * gap). Its pending delivery, if any, stays. Returns its id.
 */
export function activateSubscription(db: Db, s: Subscriber, verifiedAt: number): number {
  const upsert = prepared(
    db,
    `INSERT INTO websub_subscriptions (feed_path, format, callback, callback_host, secret, lease_seconds, verified_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (feed_path, format, callback) DO UPDATE SET
       callback_host = excluded.callback_host, secret = excluded.secret, lease_seconds = excluded.lease_seconds,
       verified_at = excluded.verified_at, expires_at = excluded.expires_at
     RETURNING id`,
  );
  const expiresAt = verifiedAt + s.leaseSeconds * 1000;
  const row = upsert.get(s.feedPath, s.format, s.callback, s.callbackHost, s.secret ?? null, s.leaseSeconds, verifiedAt, expiresAt) as { id: number };
  return row.id;
}

/** A confirmed unsubscribe; its pending delivery goes with it. True when there was one. */
export function removeSubscription(db: Db, t: Topic & { callback: string }): boolean {
  return prepared(db, 'DELETE FROM websub_subscriptions WHERE feed_path = ? AND format = ? AND callback = ?').run(t.feedPath, t.format, t.callback).changes > 0;
}

export function findSubscription(db: Db, t: Topic & { callback: string }): Subscription | undefined {
  const row = prepared(db, 'SELECT * FROM websub_subscriptions WHERE feed_path = ? AND format = ? AND callback = ?').get(t.feedPath, t.format, t.callback) as
    | Row
    | undefined;
  return row && toSubscription(row);
}

export function findSubscriptionById(db: Db, id: number): Subscription | undefined {
  const row = prepared(db, 'SELECT * FROM websub_subscriptions WHERE id = ?').get(id) as Row | undefined;
  return row && toSubscription(row);
}

/** Subscriptions whose lease has run out, removed with their pending deliveries; how many. */
export function sweepExpiredSubscriptions(db: Db, now: number): number {
  // Read first: most sweeps find nothing, and a read takes no write lock.
  if (!prepared(db, 'SELECT 1 FROM websub_subscriptions WHERE expires_at <= ? LIMIT 1').get(now)) return 0;
  return prepared(db, 'DELETE FROM websub_subscriptions WHERE expires_at <= ?').run(now).changes;
}

/** Active subscriptions: all of them, or a callback host's. */
export function countSubscriptions(db: Db, now: number, host?: string): number {
  const sql = `SELECT count(*) FROM websub_subscriptions WHERE expires_at > ?${host === undefined ? '' : ' AND callback_host = ?'}`;
  return prepared(db, sql).pluck().get(...(host === undefined ? [now] : [now, host])) as number;
}

function toSubscription(row: Row): Subscription {
  return {
    id: row.id,
    feedPath: row.feed_path,
    format: row.format,
    callback: row.callback,
    callbackHost: row.callback_host,
    secret: row.secret ?? undefined,
    leaseSeconds: row.lease_seconds,
    verifiedAt: row.verified_at,
    expiresAt: row.expires_at,
    deliveredAt: row.delivered_at ?? undefined,
    abandonedAt: row.abandoned_at ?? undefined,
    lastError: row.last_error ?? undefined,
  };
}
