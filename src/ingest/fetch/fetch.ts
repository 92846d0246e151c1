// Fetches a source's feed document, politely: conditional GET with the
// stored validators, compressed transfer, a bounded chain of redirects, a
// connect and a total timeout, and a size cap enforced while the body streams
// in. A local file:// path is read from disk under the same cap. The result
// is typed; every failure is a FetchError with a kind callers can act on.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Agent, fetch, type Response } from 'undici';
import { FetchError, toFetchError } from './errors.js';
import { guardedConnector } from './ssrf-connect.js';
import { type AddressGuard, publicAddressesOnly } from './ssrf.js';

export interface FetchRequest {
  url: string;
  /** Validators from the last successful fetch, sent back for a 304. */
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  timeoutMs: number;
  /**
   * Aborting it ends the fetch as the timeout would (a FetchError); the
   * caller knows which it was. Pass one that lives no longer than a run:
   * each fetch combines it with its timeout (AbortSignal.any), and Node 20
   * adds an entry to the signal given for every combination and drops none
   * until that signal aborts (measured: about 50 bytes a fetch).
   */
  signal?: AbortSignal;
  connectTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /**
   * Checked before every request, the first and each redirect's: throws to
   * refuse an address (sources from outside the config file may not reach
   * private networks, however they get redirected).
   */
  checkUrl?: (url: string) => Promise<void>;
  /**
   * Connect only to public unicast addresses, checked at DNS time and on the
   * address each socket actually connected to (ssrf-connect.ts). A guard of
   * its own replaces the default: tests let one local fixture count as public.
   */
  publicOnly?: boolean | AddressGuard;
}

export interface FetchResult {
  status: number;
  /** True for a 304: nothing changed since the validators were issued. */
  notModified: boolean;
  /** The raw body (empty on a 304); decode.ts turns it into text. */
  body: Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** The URL the answer came from, after redirects. */
  url: string;
  /** Set when every redirect on the way was permanent (301/308): the feed has moved. */
  movedTo?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

// One agent per guard and connect timeout, reused so that connections are
// pooled; a guarded fetch never reuses a connection an unguarded one opened.
const agents = new Map<AddressGuard | undefined, Map<number, Agent>>();
function agentFor(connectTimeoutMs: number, guard: AddressGuard | undefined): Agent {
  let byTimeout = agents.get(guard);
  if (!byTimeout) agents.set(guard, (byTimeout = new Map()));
  let agent = byTimeout.get(connectTimeoutMs);
  if (!agent) {
    agent = new Agent({ connect: guard ? guardedConnector(guard, connectTimeoutMs) : { timeout: connectTimeoutMs } });
    byTimeout.set(connectTimeoutMs, agent);
  }
  return agent;
}

function guardOf({ publicOnly }: FetchOptions): AddressGuard | undefined {
  if (!publicOnly) return undefined;
  return publicOnly === true ? publicAddressesOnly : publicOnly;
}

export async function fetchFeed(request: FetchRequest, options: FetchOptions): Promise<FetchResult> {
  return request.url.startsWith('file:') ? readLocal(request.url, options) : fetchHttp(request, options);
}

async function readLocal(url: string, { maxBytes }: FetchOptions): Promise<FetchResult> {
  const path = fileURLToPath(url);
  try {
    const info = await stat(path);
    if (info.size > maxBytes) throw new FetchError('too-large', `${path} is ${info.size} bytes, over the ${maxBytes} byte cap`);
    return { status: 200, notModified: false, body: await readFile(path), url };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError('file', `cannot read ${path}: ${(err as Error).message}`, {}, { cause: err });
  }
}

async function fetchHttp(request: FetchRequest, options: FetchOptions): Promise<FetchResult> {
  // One signal for the whole exchange, redirects and body included.
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.lastModified) headers['if-modified-since'] = request.lastModified;

  let url = request.url;
  let permanent = true;
  const visited = new Set([url]);
  for (let hop = 0; ; hop++) {
    if (options.checkUrl) {
      try {
        await options.checkUrl(url);
      } catch (err) {
        throw new FetchError('forbidden', `${url}: ${(err as Error).message}`, {}, { cause: err });
      }
    }
    const response = await send(url, headers, signal, options);
    if (!REDIRECTS.has(response.status)) return readResponse(response, url, permanent && hop > 0 ? url : undefined, signal, options);
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location) throw new FetchError('redirect', `${url} answered ${response.status} without a Location`, { status: response.status });
    const next = new URL(location, url).href;
    if (visited.has(next)) throw new FetchError('redirect', `redirect loop at ${next}`);
    if (hop + 1 > options.maxRedirects) throw new FetchError('redirect', `more than ${options.maxRedirects} redirects from ${request.url}`);
    if (!/^https?:/.test(next)) throw new FetchError('redirect', `${url} redirects to a non-http URL: ${next}`);
    permanent &&= PERMANENT.has(response.status);
    visited.add(next);
    url = next;
  }
}

async function send(url: string, headers: Record<string, string>, signal: AbortSignal, options: FetchOptions): Promise<Response> {
  const attempt = () => fetch(url, { headers, signal, redirect: 'manual', dispatcher: agentFor(options.connectTimeoutMs, guardOf(options)) });
  try {
    return await attempt();
  } catch (err) {
    // A pooled keep-alive connection the server closed as we reused it:
    // a GET is safe to send again, once, on a fresh connection.
    if (signal.aborted || !isStaleConnection(err)) throw toFetchError(err, url, options);
    try {
      return await attempt();
    } catch (again) {
      throw toFetchError(again, url, options);
    }
  }
}

function isStaleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

async function readResponse(
  response: Response,
  url: string,
  movedTo: string | undefined,
  signal: AbortSignal,
  { maxBytes, timeoutMs }: FetchOptions,
): Promise<FetchResult> {
  const validators = {
    etag: response.headers.get('etag') ?? undefined,
    lastModified: response.headers.get('last-modified') ?? undefined,
  };
  if (response.status === 304) {
    return { status: 304, notModified: true, body: Buffer.alloc(0), url, movedTo, ...validators };
  }
  if (!response.ok) {
    await response.body?.cancel();
    const retryAfterMs = [429, 503].includes(response.status) ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    // 410 says the feed was removed on purpose (RFC 9110 15.5.11): the source stops being polled (refresh.ts).
    const kind = response.status === 410 ? 'gone' : 'http';
    throw new FetchError(kind, `${url} answered HTTP ${response.status}`, { status: response.status, retryAfterMs });
  }
  // Content-Length, when present, counts the (possibly compressed) bytes on
  // the wire; the cap below counts what we actually keep, decompressed.
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError('too-large', `${url} declares ${declared} bytes, over the ${maxBytes} byte cap`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new FetchError('too-large', `${url} sent more than the ${maxBytes} byte cap`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw toFetchError(signal.aborted ? signal.reason : err, url, { timeoutMs });
  }
  return {
    status: response.status,
    notModified: false,
    body: Buffer.concat(chunks),
    contentType: response.headers.get('content-type') ?? undefined,
    url,
    movedTo,
    ...validators,
  };
}

/** RFC 9110 10.2.3: Retry-After is either delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
