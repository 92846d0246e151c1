// Which URLs a partner's webhook may have, checked when it is set (the
// admin API, the CLI): http(s), at most 2048 characters, and, unless
// webhooks.allow_private_urls, a host that is and resolves to public
// addresses only, as for every URL from outside the config file
// (ingest/fetch/ssrf.ts). The check is made again on every delivery, on the
// address connected to (hub/callbacks.ts), since DNS may change its answer.
import type { Context } from '../context.js';
import { assertHttpUrl, assertPublicUrl, publicAddressesOnly, UnsafeUrlError } from '../ingest/fetch/ssrf.js';

const MAX_URL_LENGTH = 2048;

/** Throws UnsafeUrlError, saying why, for a URL a webhook may not have. */
export async function assertWebhookUrl(ctx: Context, url: string): Promise<void> {
  if (url.length > MAX_URL_LENGTH) throw new UnsafeUrlError(`must be at most ${MAX_URL_LENGTH} characters`);
  if (ctx.cfg.webhooks.allowPrivateUrls) {
    assertHttpUrl(url);
    return;
  }
  const guard = ctx.addressGuard ?? publicAddressesOnly;
  await assertPublicUrl(url, guard.lookup, guard.allows);
}
