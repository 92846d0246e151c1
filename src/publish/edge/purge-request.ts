// One purge sent to one purger (config `edge.purgers`): the keys in one
// header of one request (Varnish with our VCL: `PURGE /` with
// `Surrogate-Key: k1 k2`; Fastly: `POST /service/{id}/purge` with the same
// header), or as a JSON array in a body template (Cloudflare's purge by tag:
// `{"tags": {keys}}`), or, when the URL holds `{key}`, one request per key
// with the key in the URL (APIs that purge one tag at a time). Purgers are the operator's
// own config, like the hub, so they are not held to the SSRF rules of
// sources; their URLs and headers may carry a credential, so a failure
// names only the purger's origin and path.
import type { Purger } from '../../config/config.js';

const PURGE_TIMEOUT_MS = 5_000;

/** Sends `keys` (encoded, publish/edge/keys.ts) to `purger`; throws, saying why, unless every request was answered 2xx. */
export async function sendPurge(purger: Purger, keys: readonly string[]): Promise<void> {
  if (purger.url.includes('{key}')) {
    for (const key of keys) await purgeRequest(purger, purger.url.replaceAll('{key}', encodeURIComponent(key)), {});
    return;
  }
  if (purger.body) return purgeRequest(purger, purger.url, {}, purger.body.replaceAll('{keys}', JSON.stringify(keys)));
  await purgeRequest(purger, purger.url, { [purger.keysHeader]: keys.join(' ') });
}

async function purgeRequest(purger: Purger, url: string, keyHeaders: Record<string, string>, body?: string): Promise<void> {
  const res = await fetch(url, {
    method: purger.method,
    headers: { ...purger.headers, ...keyHeaders },
    body,
    signal: AbortSignal.timeout(PURGE_TIMEOUT_MS),
    redirect: 'error',
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`edge: ${purgerName(purger)} answered HTTP ${res.status}`);
}

/** The purger as logs and metrics name it: origin and path, no user, password or query. */
export function purgerName(purger: Purger): string {
  const url = new URL(purger.url.replaceAll('{key}', 'KEY'));
  return `${url.origin}${url.pathname.replaceAll('KEY', '{key}')}`;
}
