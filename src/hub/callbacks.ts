// Requests to subscribers' callbacks: the verification GET (WebSub 5.3) and
// the delivery POST (7). A callback is a URL anyone may give us, so it gets
// the SSRF guard every source from outside the config file gets
// (ingest/fetch/ssrf.ts): http(s) only, public addresses only, checked
// after DNS and again on the address each socket connected to
// (ssrf-connect.ts), unless websub.allow_private_callbacks. Redirects are
// never followed (7: a 3xx is a failure; a redirect could only lead us
// somewhere the subscriber did not subscribe from), the whole exchange has a
// timeout, and an answer's body is read only up to a small cap.
import { Agent } from 'undici';
import type { Context } from '../context.js';
import { toFetchError } from '../ingest/fetch/errors.js';
import { guardedConnector } from '../ingest/fetch/ssrf-connect.js';
import { type AddressGuard, assertPublicUrl, publicAddressesOnly } from '../ingest/fetch/ssrf.js';

export interface CallbackAnswer {
  status: number;
  /** The body's first `bodyCap` bytes as text; `overCap` when there was more. */
  body: string;
  overCap: boolean;
}

/** A request that got no answer; its message names no URL, query or secret (it is logged and stored). */
export class CallbackError extends Error {
  override name = 'CallbackError';
}

export interface CallbackRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  /** Bytes of the answer read at most; the rest is not read. */
  bodyCap: number;
  signal?: AbortSignal;
}

/** Who else sends through a CallbackClient (partner webhooks, webhooks/worker.ts), with its own limits; the hub's websub.* by default. */
export interface CallbackClientOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Named in the User-Agent: "WebSub hub", "webhooks". */
  role: string;
}

/** The hub worker's connections to callbacks: one pool, guarded, closed when the worker stops. */
export class CallbackClient {
  private readonly agent: Agent;
  private readonly guard: AddressGuard | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(ctx: Context, options?: CallbackClientOptions) {
    const { timeoutMs, allowPrivate, role } = options ?? {
      timeoutMs: ctx.cfg.websub.timeoutMs,
      allowPrivate: ctx.cfg.websub.allowPrivateCallbacks,
      role: 'WebSub hub',
    };
    this.guard = allowPrivate ? undefined : (ctx.addressGuard ?? publicAddressesOnly);
    this.timeoutMs = timeoutMs;
    // Like the fetcher's (ingest/refresh.ts): who we are, and through the operator's public URL, whom to contact.
    this.userAgent = `wirefeed/0.1 (${role}; +${ctx.cfg.site.baseUrl}/)`;
    this.agent = new Agent({ connect: this.guard ? guardedConnector(this.guard, timeoutMs) : { timeout: timeoutMs } });
  }

  async send(url: string, request: CallbackRequest): Promise<CallbackAnswer> {
    if (this.guard) {
      try {
        await assertPublicUrl(url, this.guard.lookup, this.guard.allows);
      } catch (err) {
        throw new CallbackError(`refused: ${(err as Error).message}`, { cause: err });
      }
    }
    // One timer for the whole exchange, and the worker's stop: either aborts it.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('timed out', 'TimeoutError')), this.timeoutMs);
    const stop = () => abort.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', stop, { once: true });
    const { origin, pathname, search } = new URL(url);
    try {
      // undici's own request rather than fetch: a Buffer body is written as it is, where fetch copies it
      // into a web stream for every request (a third of the worker's CPU with a thousand subscribers).
      const response = await this.agent.request({
        origin,
        path: `${pathname}${search}`,
        method: request.method,
        headers: { 'user-agent': this.userAgent, ...request.headers },
        body: request.body,
        signal: abort.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let overCap = false;
      for await (const chunk of response.body) {
        const piece = chunk as Buffer;
        const room = request.bodyCap - size;
        if (piece.byteLength > room) {
          chunks.push(piece.subarray(0, room));
          overCap = true;
          response.body.destroy();
          break;
        }
        chunks.push(piece);
        size += piece.byteLength;
      }
      return { status: response.statusCode, body: Buffer.concat(chunks).toString('utf8'), overCap };
    } catch (err) {
      // toFetchError's kinds, without the URL it puts in front: the callback is logged apart, redacted.
      const failure = toFetchError(abort.signal.aborted ? abort.signal.reason : err, 'callback', { timeoutMs: this.timeoutMs });
      throw new CallbackError(failure.message.replace(/^fetch: callback:? ?/, ''), { cause: err });
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', stop);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * The callback with parameters added to its query, which is kept as the
 * subscriber wrote it (WebSub 5.3: the hub must preserve the query).
 */
export function withQuery(callback: string, params: Record<string, string>): string {
  const added = new URLSearchParams(params).toString();
  if (!callback.includes('?')) return `${callback}?${added}`;
  return callback.endsWith('?') || callback.endsWith('&') ? `${callback}${added}` : `${callback}&${added}`;
}
