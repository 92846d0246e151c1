// One attempt at a partner's webhook: POST the event's JSON, signed, through
// the hub's guarded client (hub/callbacks.ts: http(s) only, public addresses
// only, after DNS and on the address connected to, unless
// webhooks.allow_private_urls; no redirects; one timeout for the whole
// exchange; the answer read only up to a small cap). A 2xx is delivered;
// anything else, a redirect included, is a failure, retried later
// (store/webhooks/deliveries.ts). Every attempt is recorded, with its status
// or error and its duration; the secret is never logged.
import type { Context } from '../context.js';
import { CallbackError, type CallbackClient } from '../hub/callbacks.js';
import type { AttemptOutcome } from '../hub/observer.js';
import { redactUrl } from '../observe/redact.js';
import { type DueWebhook, recordAttempt } from '../store/webhooks/deliveries.js';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, eventId, SIGNATURE_HEADER, webhookBody, webhookSignature } from './payload.js';

/** Of an answer, read before the connection is let go: a receiver's body means nothing to us. */
const ANSWER_CAP_BYTES = 4 * 1024;

export async function deliverWebhook(ctx: Context, client: CallbackClient, d: DueWebhook, signal?: AbortSignal): Promise<AttemptOutcome | 'stopped'> {
  const body = webhookBody(d.event, ctx.cfg.site.baseUrl, d.partnerName);
  const sentAt = Date.now();
  const headers = {
    'content-type': 'application/json',
    [EVENT_ID_HEADER]: eventId(d.event),
    [EVENT_TYPE_HEADER]: d.event.type,
    [ATTEMPT_HEADER]: String(d.attempts + 1),
    [SIGNATURE_HEADER]: webhookSignature(d.secret, Math.floor(sentAt / 1000), body),
  };
  let status: number | undefined;
  let error: string | undefined;
  const started = performance.now();
  try {
    const answer = await client.send(d.url, { method: 'POST', headers, body, bodyCap: ANSWER_CAP_BYTES, signal });
    status = answer.status;
    if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (err) {
    if (signal?.aborted) return 'stopped';
    if (!(err instanceof CallbackError)) throw err;
    error = err.message;
  }
  const durationMs = Math.round(performance.now() - started);
  const { retryMs, maxRetryMs, maxAttempts } = ctx.cfg.webhooks;
  const now = Date.now();
  const { outcome, dueAt } = recordAttempt(ctx.db, d, { sentAt, url: d.url, status, error, durationMs }, { retryMs, maxRetryMs, maxAttempts }, now);
  const fields = {
    partner: d.partnerName,
    event_id: eventId(d.event),
    type: d.event.type,
    url: redactUrl(d.url),
    attempt: d.attempts + 1,
    status: status ?? null,
    duration_ms: durationMs,
  };
  if (outcome === 'delivered') ctx.log.info({ event: 'webhook_delivered', ...fields }, 'webhook: delivered');
  else if (outcome === 'abandoned') ctx.log.warn({ event: 'webhook_abandoned', ...fields, error }, `webhook: given up after ${maxAttempts} attempts`);
  else ctx.log.info({ event: 'webhook_failed', ...fields, error, retry_at: dueAt && new Date(dueAt).toISOString() }, 'webhook: failed; retrying later');
  return outcome;
}
