// A subscriber's request to the built-in hub (WebSub 5.1), read, checked
// and recorded for verification: what POST /websub does (http/hub.ts).
// Every refusal is immediate, a 4xx that says what is wrong (5.1: "an
// appropriate HTTP error response code"), so the hub never needs to send
// a "denied" notice later (5.2). Accepted requests are verified by the hub
// worker, in the writer (verify.ts), and change nothing until confirmed.
import type { Context } from '../context.js';
import { assertPublicUrl, publicAddressesOnly } from '../ingest/fetch/ssrf.js';
import { redactUrl } from '../observe/redact.js';
import { addSubscriptionRequest, type HubMode, type SubscriptionRequest } from '../store/hub/requests.js';
import { MAX_URL_LENGTH, parseTopic } from './topics.js';

/** 5.1: hub.secret "MUST be less than 200 bytes". */
export const MAX_SECRET_BYTES = 199;

export interface Refusal {
  status: number;
  message: string;
}

/** The form's parameters as the body parser gives them: a string, or an array when one was given twice. */
export type Form = Record<string, unknown>;

/** The request the form makes, or why it makes none. Unknown parameters are ignored (5.1). */
export function readHubRequest(ctx: Context, form: Form): SubscriptionRequest | Refusal {
  const value = (name: string): string | undefined | Refusal => {
    const v = form[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return bad(`${name} must be given once`);
    return v;
  };
  const mode = value('hub.mode');
  if (isRefusal(mode)) return mode;
  if (mode === undefined || mode === '') return bad('hub.mode is required: subscribe or unsubscribe');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') {
    const publish = mode === 'publish' ? ': this hub learns of changes to its own feeds by itself, and takes no others' : '';
    return bad(`hub.mode must be subscribe or unsubscribe${publish}`);
  }
  const topicText = value('hub.topic');
  if (isRefusal(topicText)) return topicText;
  if (!topicText) return bad('hub.topic is required: the URL of one of our feeds');
  const callbackText = value('hub.callback');
  if (isRefusal(callbackText)) return callbackText;
  if (!callbackText) return bad('hub.callback is required: the URL the hub is to call');
  const callback = readCallback(callbackText);
  if ('status' in callback) return callback;
  const lease = readLease(ctx, value('hub.lease_seconds'));
  if (typeof lease !== 'number') return lease;
  const secret = value('hub.secret');
  if (isRefusal(secret)) return secret;
  if (secret !== undefined && Buffer.byteLength(secret) > MAX_SECRET_BYTES) return bad(`hub.secret must be less than 200 bytes (WebSub 5.1)`);
  const topic = parseTopic(ctx.db, ctx.cfg, topicText, mode === 'subscribe');
  if ('error' in topic) return bad(topic.error);
  return {
    mode: mode as HubMode,
    topic: topicText,
    ...topic,
    callback: callback.href,
    callbackHost: callback.hostname,
    // An empty hub.secret is taken as none: some subscribers send the parameter whatever it holds.
    secret: secret || undefined,
    leaseSeconds: lease,
  };
}

/**
 * Whether the callback may be called: the SSRF guard's check at request
 * time, after DNS (checked again on every request, at connect). Its refusal
 * says which host and why, as the admin API's does for a source.
 */
export async function checkCallbackAddress(ctx: Context, callback: string): Promise<Refusal | undefined> {
  if (ctx.cfg.websub.allowPrivateCallbacks) return undefined;
  const guard = ctx.addressGuard ?? publicAddressesOnly;
  try {
    await assertPublicUrl(callback, guard.lookup, guard.allows);
    return undefined;
  } catch (err) {
    return bad(`hub.callback: ${(err as Error).message}`);
  }
}

/** Records the request for verification, unless it would pass the limits: 403 naming the limit. */
export function recordHubRequest(ctx: Context, request: SubscriptionRequest, now: number): Refusal | undefined {
  const { maxSubscriptions: total, maxPerHost: perHost } = ctx.cfg.websub;
  const added = addSubscriptionRequest(ctx.db, request, now, { total, perHost });
  if ('id' in added) {
    // 5.1: a secret SHOULD only be sent over HTTPS. Taken anyway (deliveries are still signed), and said; the secret itself is never logged.
    const inClear = request.secret !== undefined && !(ctx.cfg.site.baseUrl.startsWith('https:') && request.callback.startsWith('https:'));
    const secret = request.secret === undefined ? {} : { secret: true, secret_in_clear: inClear };
    ctx.log.info(
      { event: 'websub_requested', mode: request.mode, topic: `${request.feedPath}.${request.format}`, callback: redactUrl(request.callback), ...secret, request: added.id },
      `websub: ${request.mode} request recorded; verifying`,
    );
    if (inClear) warnSecretInClear(ctx);
    return undefined;
  }
  const which = added.limit === 'per-host' ? `the callback host already has ${added.count} subscriptions, the most allowed (websub.max_per_host)` : `the hub already has ${added.count} subscriptions, the most allowed (websub.max_subscriptions)`;
  return { status: 403, message: `Forbidden: ${which}` };
}

let warnedInClear = false;

/** Once per process, not per request: the lines above say which requests. */
function warnSecretInClear(ctx: Context): void {
  if (warnedInClear) return;
  warnedInClear = true;
  ctx.log.warn(
    { event: 'websub_secret_in_clear' },
    'websub: a hub.secret came for an http: hub URL or callback, where it or its deliveries can be read in transit (WebSub 5.1: HTTPS only); accepted; see secret_in_clear in websub_requested lines',
  );
}

/** A callback URL we will call: absolute http(s), no user or password, no fragment, bounded length. */
function readCallback(text: string): URL | Refusal {
  if (text.length > MAX_URL_LENGTH) return bad(`hub.callback must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('hub.callback is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('hub.callback must be an http(s) URL');
  if (url.username !== '' || url.password !== '') return bad('hub.callback must not hold a user name or password');
  if (url.hash !== '' || text.includes('#')) return bad('hub.callback must not have a fragment (#…)');
  return url;
}

/** hub.lease_seconds: optional, a whole number of seconds, granted within [min, max] (5.1: the hub decides the lease). */
function readLease(ctx: Context, text: string | undefined | Refusal): number | Refusal {
  const { leaseSeconds, minLeaseSeconds, maxLeaseSeconds } = ctx.cfg.websub;
  if (isRefusal(text)) return text;
  if (text === undefined || text === '') return leaseSeconds;
  if (!/^\d{1,12}$/.test(text) || Number(text) === 0) return bad('hub.lease_seconds must be a whole number of seconds, at least 1');
  return Math.min(maxLeaseSeconds, Math.max(minLeaseSeconds, Number(text)));
}

function bad(message: string): Refusal {
  return { status: 400, message: `Bad request: ${message}` };
}

function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'status' in value;
}
