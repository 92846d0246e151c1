// WebSub publishing (W3C WebSub): after an ingest or an admin change that
// moved a feed, its hub is told. The built-in hub (src/hub/) gets a delivery
// queued for every subscriber of the feeds that moved (store/hub/
// deliveries.ts), which its worker sends. Another hub (publish.hub) is
// pinged instead, in the de facto form every public hub takes (POST
// hub.mode=publish&hub.url=<topic>): each URL of each feed (every format),
// one request at a time, off the path of the change: the ping is started and
// not awaited, and a failure is logged, never thrown. That hub is admin
// config, so it is not checked against private addresses; its URL may carry
// a credential, so logs name only its origin and path.
import type { Config } from '../../config/config.js';
import type { Context } from '../../context.js';
import type { Log } from '../../observe/log.js';
import { queueHubDeliveries } from '../../store/hub/deliveries.js';
import { feedFormats } from '../document.js';

/**
 * Tells the feeds' hub that `paths` (feed paths without extension, as
 * feedPathsOfArticles names them) changed: call it once the change is
 * committed. Queues the built-in hub's deliveries (a short write), or starts
 * the pings to publish.hub and returns at once.
 */
export function announceFeedChanges(ctx: Pick<Context, 'db' | 'cfg' | 'log'>, paths: readonly string[]): void {
  if (paths.length === 0) return;
  if (!ctx.cfg.websub.builtIn) {
    void pingHub(ctx.cfg, ctx.log, paths);
    return;
  }
  const queued = queueHubDeliveries(ctx.db, paths, Date.now());
  if (queued > 0) ctx.log.info({ event: 'websub_queued', feeds: new Set(paths).size, deliveries: queued }, 'websub: deliveries queued');
}

const PING_TIMEOUT_MS = 10_000;

/** The public URL of each format of each feed path, on the configured base URL: the topics subscribers hold. */
export function topicUrls(baseUrl: string, paths: readonly string[]): string[] {
  return [...new Set(paths)].flatMap((path) => feedFormats.map((format) => `${baseUrl}${path}.${format}`));
}

/**
 * Pings the hub for `paths` when one is configured; resolves once every
 * ping has ended (tests wait for it; callers need not).
 */
export function pingHub(cfg: Readonly<Config>, log: Log, paths: readonly string[]): Promise<void> {
  const hub = cfg.publish.hub;
  if (!hub || paths.length === 0) return Promise.resolve();
  const topics = topicUrls(cfg.site.baseUrl, paths);
  const { url, authorization } = hubRequest(hub);
  return (async () => {
    let failed = 0;
    for (const topic of topics) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
          signal: AbortSignal.timeout(PING_TIMEOUT_MS),
          redirect: 'error',
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`the hub answered HTTP ${res.status}`);
      } catch (err) {
        failed++;
        log.warn({ event: 'websub_ping_failed', hub: safeHub(hub), topic, error: err instanceof Error ? err.message : String(err) }, 'websub: ping failed');
      }
    }
    log.info({ event: 'websub_pinged', hub: safeHub(hub), topics: topics.length, failed }, 'websub: hub pinged');
  })().catch(() => undefined);
}

/** fetch refuses a URL with a user and password in it: they go in Authorization (RFC 7617 Basic) instead. */
function hubRequest(hub: string): { url: string; authorization?: string } {
  const url = new URL(hub);
  if (!url.username && !url.password) return { url: hub };
  const credential = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credential).toString('base64')}` };
}

/** The hub's origin and path: no user, password or query, which may hold a credential. */
function safeHub(hub: string): string {
  const url = new URL(hub);
  return `${url.origin}${url.pathname}`;
}
