// Subscription requests waiting for their verification (WebSub 5.3): the
// hub's endpoint records them (hub/subscribe.ts) and the hub worker, in the
// writer, asks each callback to confirm (hub/verify.ts) and then removes it.
// One per topic and callback: a newer request replaces one not yet
// verified, and nothing changes a subscription until it is confirmed.
import { type Db, prepared } from '../db/db.js';
import type { Subscriber } from './subscriptions.js';

export type HubMode = 'subscribe' | 'unsubscribe';

export interface SubscriptionRequest extends Subscriber {
  mode: HubMode;
  /** hub.topic as the subscriber wrote it: the verification sends it back as it was given. */
  topic: string;
}

export interface StoredRequest extends SubscriptionRequest {
  id: number;
  requestedAt: number;
}

interface Row {
  id: number;
  mode: HubMode;
  topic: string;
  feed_path: string;
  format: Subscriber['format'];
  callback: string;
  callback_host: string;
  secret: string | null;
  lease_seconds: number;
  requested_at: number;
}

export interface HubLimits {
  /** Subscriptions and waiting requests in all, and per callback host. */
  total: number;
  perHost: number;
}

/** Why a request was not recorded: a limit it would pass. */
export type LimitReached = { limit: 'total' | 'per-host'; count: number };

/**
 * Records a request unless its topic and callback would be one more pair
 * than the limits allow, counting active subscriptions and waiting requests
 * alike. A pair already subscribed or asked for is not one more: it can
 * always be renewed or unsubscribed.
 */
export function addSubscriptionRequest(db: Db, r: SubscriptionRequest, now: number, limits: HubLimits): { id: number } | LimitReached {
  return db
    .transaction(() => {
      const others = (host?: string) => countOtherPairs(db, r, now, host);
      const onHost = others(r.callbackHost);
      if (onHost >= limits.perHost) return { limit: 'per-host', count: onHost } as const;
      const all = others();
      if (all >= limits.total) return { limit: 'total', count: all } as const;
      prepared(db, 'DELETE FROM websub_requests WHERE feed_path = ? AND format = ? AND callback = ?').run(r.feedPath, r.format, r.callback);
      const insert = prepared(
        db,
        `INSERT INTO websub_requests (mode, topic, feed_path, format, callback, callback_host, secret, lease_seconds, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const id = insert.run(r.mode, r.topic, r.feedPath, r.format, r.callback, r.callbackHost, r.secret ?? null, r.leaseSeconds, now).lastInsertRowid;
      return { id: Number(id) };
    })
    .immediate();
}

/** Distinct topic-and-callback pairs, subscribed (and not expired) or asked for, other than this request's. */
function countOtherPairs(db: Db, r: SubscriptionRequest, now: number, host?: string): number {
  const onHost = host === undefined ? '' : ' AND callback_host = @host';
  const count = prepared(
    db,
    `SELECT count(*) FROM (
       SELECT feed_path, format, callback FROM websub_subscriptions WHERE expires_at > @now${onHost}
       UNION
       SELECT feed_path, format, callback FROM websub_requests WHERE true${onHost}
     ) WHERE NOT (feed_path = @feedPath AND format = @format AND callback = @callback)`,
  ).pluck();
  return count.get({ now, feedPath: r.feedPath, format: r.format, callback: r.callback, ...(host === undefined ? {} : { host }) }) as number;
}

/** The oldest requests first, leaving out those being verified now. */
export function requestsToVerify(db: Db, limit: number, busy: readonly number[] = []): StoredRequest[] {
  const rows = prepared(db, 'SELECT * FROM websub_requests WHERE id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?')
    .all(JSON.stringify(busy), limit) as Row[];
  return rows.map(toRequest);
}

/** A request done with: verified, refused or failed. A newer one for the same pair has another id and stays. */
export function removeSubscriptionRequest(db: Db, id: number): void {
  prepared(db, 'DELETE FROM websub_requests WHERE id = ?').run(id);
}

export function countSubscriptionRequests(db: Db): number {
  return prepared(db, 'SELECT count(*) FROM websub_requests').pluck().get() as number;
}

function toRequest(row: Row): StoredRequest {
  return {
    id: row.id,
    mode: row.mode,
    topic: row.topic,
    feedPath: row.feed_path,
    format: row.format,
    callback: row.callback,
    callbackHost: row.callback_host,
    secret: row.secret ?? undefined,
    leaseSeconds: row.lease_seconds,
    requestedAt: row.requested_at,
  };
}
