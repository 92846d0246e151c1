// The deliveries partners' webhooks are owed (migration 025: queued by
// triggers with the kill or correction that made them; a ping's by
// events.ts, migration 027), taken by the
// webhook worker in the writer (webhooks/worker.ts), every attempt recorded,
// retried with a doubling back-off and given up after a number of attempts,
// as the hub's are (store/hub/deliveries.ts, whose retryDelay this shares).
import { retryDelay, type RetryPolicy } from '../hub/deliveries.js';
import { type Db, prepared } from '../db/db.js';

export type EventType = 'article.killed' | 'article.corrected' | 'webhook.ping';

interface StoredEvent {
  id: number;
  occurredAt: number;
  createdAt: number;
}

/** A kill or a correction: what happened to which article. */
export interface ArticleEvent extends StoredEvent {
  type: 'article.killed' | 'article.corrected';
  articleId: number;
  url: string;
  title: string;
  previousTitle?: string;
  changed: string[];
  reason?: string;
}

/** A test event for one partner (migration 027): about no article. */
export interface PingEvent extends StoredEvent {
  type: 'webhook.ping';
}

/** An event as stored: what its payload is made of (webhooks/payload.ts). */
export type WebhookEvent = ArticleEvent | PingEvent;

/** A delivery the worker takes: the event, to whom, and how many tries it has had. */
export interface DueWebhook {
  id: number;
  partnerId: number;
  partnerName: string;
  url: string;
  secret: string;
  attempts: number;
  event: WebhookEvent;
}

interface DueRow {
  id: number;
  partner_id: number;
  name: string;
  webhook_url: string;
  webhook_secret: string;
  attempts: number;
  event_id: number;
  type: EventType;
  article_id: number | null;
  occurred_at: number;
  url: string | null;
  title: string | null;
  previous_title: string | null;
  changed: string | null;
  reason: string | null;
  created_at: number;
}

/**
 * Deliveries due by `now`: for each partner not in `busy`, its oldest due
 * one (one request at a time per partner, oldest first, so that a receiver
 * that answers gets its events in order), longest due first; never to a
 * revoked partner or one without a webhook.
 */
export function dueWebhooks(db: Db, now: number, limit: number, busy: readonly number[] = []): DueWebhook[] {
  const rows = prepared(
    db,
    `SELECT d.id, d.partner_id, p.name, p.webhook_url, p.webhook_secret, d.attempts,
            e.id AS event_id, e.type, e.article_id, e.occurred_at, e.url, e.title, e.previous_title, e.changed, e.reason, e.created_at
       FROM webhook_deliveries d
       JOIN partners p ON p.id = d.partner_id
       JOIN webhook_events e ON e.id = d.event_id
      WHERE d.state = 'pending' AND d.due_at <= @now
        AND p.webhook_url IS NOT NULL AND p.revoked_at IS NULL
        AND d.partner_id NOT IN (SELECT value FROM json_each(@busy))
        AND d.id = (SELECT min(o.id) FROM webhook_deliveries o WHERE o.partner_id = d.partner_id AND o.state = 'pending' AND o.due_at <= @now)
      ORDER BY d.due_at, d.id LIMIT @limit`,
  ).all({ now, busy: JSON.stringify(busy), limit }) as DueRow[];
  return rows.map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    partnerName: r.name,
    url: r.webhook_url,
    secret: r.webhook_secret,
    attempts: r.attempts,
    event: toEvent(r),
  }));
}

function toEvent(r: DueRow): WebhookEvent {
  const stored = { id: r.event_id, occurredAt: r.occurred_at, createdAt: r.created_at };
  // Migration 027's CHECK: an event other than a ping has its article, URL and title.
  if (r.type === 'webhook.ping') return { ...stored, type: r.type };
  return {
    ...stored,
    type: r.type,
    articleId: r.article_id!,
    url: r.url!,
    title: r.title!,
    previousTitle: r.previous_title ?? undefined,
    changed: r.changed === null ? [] : (JSON.parse(r.changed) as string[]),
    reason: r.reason ?? undefined,
  };
}

/** One request's outcome: the status of an answer (2xx: delivered), else the error. */
export interface AttemptRecord {
  sentAt: number;
  url: string;
  status?: number;
  /** Absent when delivered. */
  error?: string;
  durationMs: number;
}

/**
 * Records an attempt and moves the delivery on: delivered; due again after
 * its back-off; or, at its last attempt, abandoned. A delivery canceled
 * while the request was under way stays canceled. Returns what became of it.
 */
export function recordAttempt(
  db: Db,
  d: Pick<DueWebhook, 'id' | 'partnerId' | 'attempts'>,
  a: AttemptRecord,
  policy: RetryPolicy,
  now: number,
): { outcome: 'delivered' | 'failed' | 'abandoned'; dueAt?: number } {
  return db
    .transaction(() => {
      const attempt = d.attempts + 1;
      prepared(
        db,
        'INSERT INTO webhook_attempts (delivery_id, partner_id, attempt, sent_at, url, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(d.id, d.partnerId, attempt, a.sentAt, a.url, a.status ?? null, a.error ?? null, a.durationMs);
      const pending = "WHERE id = ? AND state = 'pending'";
      if (a.error === undefined) {
        prepared(db, `UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, done_at = ?, last_error = NULL ${pending}`).run(attempt, now, d.id);
        return { outcome: 'delivered' as const };
      }
      if (attempt >= policy.maxAttempts) {
        prepared(db, `UPDATE webhook_deliveries SET state = 'abandoned', attempts = ?, done_at = ?, last_error = ? ${pending}`).run(attempt, now, a.error, d.id);
        return { outcome: 'abandoned' as const };
      }
      const dueAt = now + retryDelay(policy, attempt);
      prepared(db, `UPDATE webhook_deliveries SET attempts = ?, due_at = ?, last_error = ? ${pending}`).run(attempt, dueAt, a.error, d.id);
      return { outcome: 'failed' as const, dueAt };
    })
    .immediate();
}

/** A request as the admin sees it (GET /admin/partners/{name}/webhook/deliveries). */
export interface AttemptView {
  eventId: number;
  type: EventType;
  /** Absent for a ping. */
  articleId?: number;
  attempt: number;
  sentAt: Date;
  url: string;
  status?: number;
  error?: string;
  durationMs: number;
  /** Where the delivery stands now: pending (to be retried), delivered, abandoned, canceled. */
  state: string;
}

/** The partner's latest requests, newest first. */
export function recentAttempts(db: Db, partnerId: number, limit: number): AttemptView[] {
  const rows = prepared(
    db,
    `SELECT e.id AS event_id, e.type, e.article_id, a.attempt, a.sent_at, a.url, a.status, a.error, a.duration_ms, d.state
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhook_events e ON e.id = d.event_id
      WHERE a.partner_id = ? ORDER BY a.id DESC LIMIT ?`,
  ).all(partnerId, limit) as {
    event_id: number;
    type: EventType;
    article_id: number | null;
    attempt: number;
    sent_at: number;
    url: string;
    status: number | null;
    error: string | null;
    duration_ms: number;
    state: string;
  }[];
  return rows.map((r) => ({
    eventId: r.event_id,
    type: r.type,
    articleId: r.article_id ?? undefined,
    attempt: r.attempt,
    sentAt: new Date(r.sent_at),
    url: r.url,
    status: r.status ?? undefined,
    error: r.error ?? undefined,
    durationMs: r.duration_ms,
    state: r.state,
  }));
}

/** The partner's deliveries by state (pending, delivered, abandoned, canceled). */
export function deliveryCounts(db: Db, partnerId: number): Record<string, number> {
  const rows = prepared(db, 'SELECT state, count(*) AS n FROM webhook_deliveries WHERE partner_id = ? GROUP BY state').all(partnerId) as {
    state: string;
    n: number;
  }[];
  const counts: Record<string, number> = { pending: 0, delivered: 0, abandoned: 0, canceled: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** What /metrics shows: deliveries owed, and of them those waiting after a failure. */
export function webhookQueueLength(db: Db): { pending: number; retrying: number } {
  return prepared(
    db,
    "SELECT count(*) AS pending, count(*) FILTER (WHERE attempts > 0) AS retrying FROM webhook_deliveries WHERE state = 'pending'",
  ).get() as { pending: number; retrying: number };
}

/**
 * Forgets what is done and older than `before`: deliveries no longer
 * pending (with their attempts), then events nothing is owed for. Returns
 * the deliveries removed.
 */
export function sweepWebhookHistory(db: Db, before: number): number {
  return db
    .transaction(() => {
      const removed = prepared(db, "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND done_at < ?").run(before).changes;
      prepared(
        db,
        'DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)',
      ).run(before);
      return removed;
    })
    .immediate();
}
