// The fast path for the hottest requests: a public feed already rendered at
// the current content version, asked for again by a URL the app has answered
// before. Express's per-request work (its router, its request and response
// objects, the middleware chain) costs several times what sending cached
// bytes does, so these requests are answered here, ahead of Express, with
// header lists prepared once per cache entry, and logged and counted like
// any other request. Everything else goes to Express. The feed routes tell
// this module which URL holds which entry when they answer a public feed, so
// a URL is only ever answered here as Express itself answered it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FeedCache } from '../publish/cache.js';
import { type Caching, feedAnswer } from './conditional.js';
import { feedTypes, prefersHtml } from './site/negotiate.js';
import type { RequestObserver, UrlRecorder } from '../observe/requests.js';

interface KnownUrl {
  /** The render cache's key for the URL. */
  key: string;
  /** The pattern of the Express route that answered it, for logs and metrics. */
  route: string;
  /** The requests' recorders, made on the first request of each method answered here. */
  GET?: UrlRecorder;
  HEAD?: UrlRecorder;
}

/** Distinct feed URLs remembered; past this the memory starts over (Express answers and refills it). */
const MAX_URLS = 10_000;

export class FastFeeds {
  private readonly urls = new Map<string, KnownUrl>();
  /** The content version read during this turn of the event loop. */
  private version: number | undefined;

  constructor(
    private readonly cache: FeedCache,
    private readonly readVersion: () => number,
    private readonly caching: Caching,
    private readonly observer: RequestObserver,
  ) {}

  /** Called by the feed routes when they answer a public feed at `url` (as requested, path and query). */
  remember(url: string, key: string, route: string): void {
    if (this.urls.get(url)?.key === key) return;
    if (this.urls.size >= MAX_URLS) this.urls.clear();
    this.urls.set(url, { key, route });
  }

  /** Answers `req` when it is a known public feed URL with a current cache entry; false leaves it to Express. */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    const started = performance.now();
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    // Any credential, valid or not, is Express's to judge (partner tiers, 401, rate limits).
    if (req.headers.authorization !== undefined) return false;
    const known = this.urls.get(req.url ?? '');
    if (!known) return false;
    const feed = this.cache.getHit(known.key, this.currentVersion());
    if (!feed) return false;
    // A browser's navigation gets the feed's HTML preview, from Express (site/routes.ts).
    if (prefersHtml(req.headers.accept, feedTypes)) return false;
    const answer = feedAnswer(req, feed, this.caching);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    // Recorded now rather than when the response closes: a cached body is
    // handed to the socket whole by end(), and a listener per request would
    // cost more than the answer did.
    const method = req.method;
    const recorder = (known[method] ??= this.observer.recorderFor(method, req.url!, known.route));
    recorder(answer.status, started, method === 'HEAD' ? 0 : (answer.body?.length ?? 0));
    return true;
  }

  /**
   * The content version, read from the database once per turn of the event
   * loop: under load a turn reads dozens of requests off their sockets, and
   * they are answered at the version of the moment the turn began. A write
   * (an ingest, an admin change) ends in a turn of its own, so the next
   * turn's requests see it.
   */
  private currentVersion(): number {
    if (this.version === undefined) {
      this.version = this.readVersion();
      setImmediate(() => (this.version = undefined));
    }
    return this.version;
  }
}
