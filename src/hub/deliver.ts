// Content distribution (WebSub 7): one POST of the topic's newest document
// to a subscriber's callback, with the topic's Content-Type and the Link
// header naming the hub and the topic (rel="hub", rel="self"); with a
// secret, X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body, keyed by
// hub.secret> (7.1). Any 2xx is delivered; anything else, a redirect
// included, is a failure, retried after a back-off that doubles (store/hub/
// deliveries.ts) and given up after websub.max_attempts. The answer's body
// is not read (7: the hub must ignore it), beyond a little to let the
// connection be reused.
import { createHmac } from 'node:crypto';
import type { Context } from '../context.js';
import { redactUrl } from '../observe/redact.js';
import { type DueDelivery, deliveryFailed, deliverySucceeded } from '../store/hub/deliveries.js';
import { CallbackError, type CallbackClient } from './callbacks.js';
import type { AttemptOutcome } from './observer.js';
import type { TopicDocument } from './topics.js';

/** Of a callback's answer, read before the connection is let go. */
const ANSWER_CAP_BYTES = 16 * 1024;

export type DeliveryOutcome = AttemptOutcome | 'stopped';

/** The X-Hub-Signature value of a body (7.1). */
export function hubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Sends `doc` (rendered at content version `version`) and records the
 * outcome. `isCurrent` says, once the answer is in, whether the document is
 * still the newest, so that a change made meanwhile is delivered too.
 */
export async function deliver(
  ctx: Context,
  client: CallbackClient,
  delivery: DueDelivery,
  doc: TopicDocument,
  isCurrent: () => boolean,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = { 'content-type': doc.contentType, link: doc.link };
  if (delivery.secret !== undefined) headers['x-hub-signature'] = hubSignature(delivery.secret, doc.body);
  let error: string | undefined;
  try {
    const answer = await client.send(delivery.callback, { method: 'POST', headers, body: doc.body, bodyCap: ANSWER_CAP_BYTES, signal });
    if (answer.status < 200 || answer.status > 299) error = `HTTP ${answer.status}`;
  } catch (err) {
    if (signal?.aborted) return 'stopped';
    if (!(err instanceof CallbackError)) throw err;
    error = err.message;
  }
  const now = Date.now();
  if (error === undefined) {
    deliverySucceeded(ctx.db, delivery, isCurrent(), now, doc.digest);
    return 'delivered';
  }
  const { maxAttempts, retryMs, maxRetryMs } = ctx.cfg.websub;
  const { abandoned, dueAt } = deliveryFailed(ctx.db, delivery.subscriptionId, error, { retryMs, maxRetryMs, maxAttempts }, now);
  const fields = {
    subscription: delivery.subscriptionId,
    topic: `${delivery.feedPath}.${delivery.format}`,
    callback: redactUrl(delivery.callback),
    attempt: delivery.attempts + 1,
    error,
  };
  if (abandoned) ctx.log.warn({ event: 'websub_delivery_abandoned', ...fields }, `websub: delivery given up after ${maxAttempts} attempts`);
  else ctx.log.info({ event: 'websub_delivery_failed', ...fields, retry_at: dueAt && new Date(dueAt).toISOString() }, 'websub: delivery failed; retrying later');
  return abandoned ? 'abandoned' : 'failed';
}
