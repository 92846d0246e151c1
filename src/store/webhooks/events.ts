// Events queued by hand rather than by the triggers on `articles`: a
// `webhook.ping` (migration 027), a test event a partner's engineer asks
// for to check a receiver and its signature code. It names its one partner,
// so the fan-out trigger passes it by, and its one delivery is inserted
// here, in the same transaction: from then on the webhook worker sends,
// retries and records it like any other (deliveries.ts).
import { type Db, prepared } from '../db/db.js';

export interface QueuedPing {
  /** The event's row id: `sequence` in its payload, `event_id` in the deliveries log. */
  id: number;
  createdAt: number;
}

/**
 * Queues a ping to the partner's webhook, due now. Undefined, and nothing
 * queued, when the partner is revoked or has no webhook: checked in the
 * transaction that queues, so a webhook removed meanwhile cannot be left
 * with a delivery it would never send.
 */
export function queuePing(db: Db, partnerId: number, now = Date.now()): QueuedPing | undefined {
  return db
    .transaction((): QueuedPing | undefined => {
      const target = prepared(db, 'SELECT 1 FROM partners WHERE id = @partnerId AND webhook_url IS NOT NULL AND revoked_at IS NULL').get({ partnerId });
      if (!target) return undefined;
      const id = Number(
        prepared(db, "INSERT INTO webhook_events (type, partner_id, occurred_at, created_at) VALUES ('webhook.ping', @partnerId, @now, @now)").run({
          partnerId,
          now,
        }).lastInsertRowid,
      );
      prepared(db, 'INSERT INTO webhook_deliveries (event_id, partner_id, due_at) VALUES (@id, @partnerId, @now)').run({ id, partnerId, now });
      return { id, createdAt: now };
    })
    .immediate();
}
