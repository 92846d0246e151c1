// What a partner's webhook receives (README "Webhooks"): the JSON body of
// an event, made from the stored event and site.base_url, the same bytes on
// every attempt; and its signature, an HMAC-SHA256 keyed by the partner's
// secret over "{timestamp}.{body}", so that a receiver can check that the
// body came from us unchanged and refuse an old one replayed (the timestamp
// is that of the attempt, and signed with it).
import { createHmac } from 'node:crypto';
import type { WebhookEvent } from '../store/webhooks/deliveries.js';

export const SIGNATURE_HEADER = 'wirefeed-signature';
export const EVENT_ID_HEADER = 'wirefeed-event-id';
export const EVENT_TYPE_HEADER = 'wirefeed-event-type';
export const ATTEMPT_HEADER = 'wirefeed-delivery-attempt';

/**
 * The event's id as partners see it: stable across attempts, opaque, and
 * unique even after the database is restored from an older backup (which
 * would hand out its row ids again), since it carries when it was made.
 */
export function eventId(event: Pick<WebhookEvent, 'id' | 'createdAt'>): string {
  return `evt_${event.id}_${event.createdAt.toString(36)}`;
}

/**
 * The body: the event's id, type, time and sequence, and the article as
 * partners' feeds name it (no summary or body, whatever the tier); a ping,
 * about no article, names the partner it was sent to instead.
 */
export function webhookBody(event: WebhookEvent, baseUrl: string, partnerName: string): Buffer {
  const envelope = { id: eventId(event), type: event.type, occurred_at: new Date(event.occurredAt).toISOString(), sequence: event.id };
  if (event.type === 'webhook.ping') return Buffer.from(JSON.stringify({ ...envelope, partner: partnerName }));
  const id = `${baseUrl}/articles/${event.articleId}`;
  const common = { id, url: event.url, title: event.title };
  const article =
    event.type === 'article.killed'
      ? { ...common, reason: event.reason ?? null }
      : { ...common, previous_title: event.previousTitle ?? null, changed: event.changed, json_url: `${id}.json` };
  return Buffer.from(JSON.stringify({ ...envelope, article }));
}

/** The Wirefeed-Signature value: `t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}.{body}")}`. */
export function webhookSignature(secret: string, timestamp: number, body: Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
