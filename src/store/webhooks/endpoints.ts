// A partner's webhook (migration 025): its URL, the secret its deliveries
// are signed with, and since when. The secret is made here, returned once
// to whoever set the URL, and otherwise read only by the worker that signs
// (deliveries.ts): no listing or log shows it.
import { randomBytes } from 'node:crypto';
import { type Db, prepared } from '../db/db.js';

export interface WebhookEndpoint {
  partnerId: number;
  url: string;
  since: Date;
}

/**
 * Sets the partner's webhook URL with a new secret (a second call replaces
 * both: how a secret is rotated). Returns the secret, which is not shown
 * again; undefined when there is no such active partner.
 */
export function setWebhook(db: Db, partnerId: number, url: string, now = Date.now()): string | undefined {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const changed = prepared(db, 'UPDATE partners SET webhook_url = ?, webhook_secret = ?, webhook_since = ? WHERE id = ? AND revoked_at IS NULL').run(
    url,
    secret,
    now,
    partnerId,
  ).changes;
  return changed > 0 ? secret : undefined;
}

/** Removes the webhook (what was still owed is canceled by migration 025's trigger); false when there was none. */
export function removeWebhook(db: Db, partnerId: number): boolean {
  return (
    prepared(db, 'UPDATE partners SET webhook_url = NULL, webhook_secret = NULL, webhook_since = NULL WHERE id = ? AND webhook_url IS NOT NULL').run(partnerId)
      .changes > 0
  );
}

/** The partner's webhook, without its secret; undefined when it has none. */
export function findWebhook(db: Db, partnerId: number): WebhookEndpoint | undefined {
  const row = prepared(db, 'SELECT webhook_url, webhook_since FROM partners WHERE id = ? AND webhook_url IS NOT NULL').get(partnerId) as
    | { webhook_url: string; webhook_since: number }
    | undefined;
  return row && { partnerId, url: row.webhook_url, since: new Date(row.webhook_since) };
}

/** What a partner listing shows of a webhook: its URL (never the secret) and what is owed or was given up. */
export interface WebhookSummary {
  url: string;
  pending: number;
  /** Given up after the last attempt, in the history kept (webhooks/worker.ts HISTORY_MS). */
  abandoned: number;
}

/** Every partner's webhook, by partner id, in one query for a listing; a partner without one is absent. */
export function webhookSummaries(db: Db): Map<number, WebhookSummary> {
  const rows = prepared(
    db,
    `SELECT p.id, p.webhook_url, count(d.id) FILTER (WHERE d.state = 'pending') AS pending, count(d.id) FILTER (WHERE d.state = 'abandoned') AS abandoned
       FROM partners p LEFT JOIN webhook_deliveries d ON d.partner_id = p.id
      WHERE p.webhook_url IS NOT NULL GROUP BY p.id`,
  ).all() as { id: number; webhook_url: string; pending: number; abandoned: number }[];
  return new Map(rows.map((r) => [r.id, { url: r.webhook_url, pending: r.pending, abandoned: r.abandoned }]));
}
