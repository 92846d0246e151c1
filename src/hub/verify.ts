// Verification of a subscriber's intent (WebSub 5.3), run by the hub worker
// for each recorded request: a GET to the callback with hub.mode, hub.topic
// (as the subscriber wrote it), a fresh random hub.challenge and, for a
// subscribe, the lease granted. Only a 2xx whose body is exactly the
// challenge confirms it; anything else (another status, a redirect, a wrong
// or missing body, no answer) leaves the subscription as it was. A
// confirmed subscribe makes or renews the subscription, its lease counted
// from the moment the verification was sent; a confirmed unsubscribe
// removes it. The request is done with either way (one attempt: the
// subscriber that wants it asks again).
import { randomBytes } from 'node:crypto';
import type { Context } from '../context.js';
import { redactUrl } from '../observe/redact.js';
import { removeSubscriptionRequest, type StoredRequest } from '../store/hub/requests.js';
import { activateSubscription, removeSubscription } from '../store/hub/subscriptions.js';
import { CallbackError, type CallbackClient, withQuery } from './callbacks.js';
import type { Verdict } from './observer.js';

/** A challenge is 32 characters; a callback that echoes it needs no more. */
const ANSWER_CAP_BYTES = 1024;

export async function verifyIntent(ctx: Context, client: CallbackClient, request: StoredRequest, signal?: AbortSignal): Promise<Verdict | 'stopped'> {
  const challenge = randomBytes(24).toString('base64url');
  const params: Record<string, string> = { 'hub.mode': request.mode, 'hub.topic': request.topic, 'hub.challenge': challenge };
  if (request.mode === 'subscribe') params['hub.lease_seconds'] = String(request.leaseSeconds);
  const sentAt = Date.now();
  let why: string | undefined;
  try {
    const answer = await client.send(withQuery(request.callback, params), { method: 'GET', bodyCap: ANSWER_CAP_BYTES, signal });
    if (answer.status < 200 || answer.status > 299) why = `the callback answered HTTP ${answer.status}`;
    else if (answer.overCap || answer.body !== challenge) why = 'the callback answered 2xx without echoing hub.challenge';
  } catch (err) {
    if (signal?.aborted) return 'stopped';
    if (!(err instanceof CallbackError)) throw err;
    why = err.message;
  }
  const log = { mode: request.mode, topic: `${request.feedPath}.${request.format}`, callback: redactUrl(request.callback), request: request.id };
  if (why) {
    removeSubscriptionRequest(ctx.db, request.id);
    ctx.log.info({ event: 'websub_not_verified', ...log, reason: why }, `websub: ${request.mode} not verified: ${why}`);
    return 'not-confirmed';
  }
  ctx.db
    .transaction(() => {
      if (request.mode === 'subscribe') activateSubscription(ctx.db, request, sentAt);
      else removeSubscription(ctx.db, request);
      removeSubscriptionRequest(ctx.db, request.id);
    })
    .immediate();
  const lease = request.mode === 'subscribe' ? { lease_seconds: request.leaseSeconds } : {};
  ctx.log.info({ event: 'websub_verified', ...log, ...lease }, `websub: ${request.mode} verified`);
  return 'confirmed';
}
