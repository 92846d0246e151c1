// Fetches a source's feed document: http(s) with a timeout and a size cap
// enforced while the body streams in, or a local file:// path.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type FetchErrorKind = 'timeout' | 'http' | 'too-large' | 'network' | 'file';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`fetch: ${message}`, options);
  }
}

export interface FetchResult {
  status: number;
  body: string;
  contentType?: string;
  /** The URL the body came from, after redirects. */
  url: string;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  return url.startsWith('file:') ? readLocal(url, options) : fetchHttp(url, options);
}

async function readLocal(url: string, { maxBytes }: FetchOptions): Promise<FetchResult> {
  const path = fileURLToPath(url);
  try {
    const info = await stat(path);
    if (info.size > maxBytes) throw new FetchError('too-large', `${path} is ${info.size} bytes, over the ${maxBytes} byte cap`);
    return { status: 200, body: await readFile(path, 'utf8'), url };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError('file', `cannot read ${path}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

async function fetchHttp(url: string, { timeoutMs, maxBytes, userAgent }: FetchOptions): Promise<FetchResult> {
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: { 'user-agent': userAgent, accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8' },
    });
  } catch (err) {
    throw toFetchError(err, url, timeoutMs);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FetchError('http', `${url} answered HTTP ${response.status}`, response.status);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError('too-large', `${url} declares ${declared} bytes, over the ${maxBytes} byte cap`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new FetchError('too-large', `${url} sent more than the ${maxBytes} byte cap`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw toFetchError(err, url, timeoutMs);
  }
  return {
    status: response.status,
    body: Buffer.concat(chunks).toString('utf8'),
    contentType: response.headers.get('content-type') ?? undefined,
    url: response.url || url,
  };
}

function toFetchError(err: unknown, url: string, timeoutMs: number): FetchError {
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new FetchError('timeout', `${url} did not answer within ${timeoutMs} ms`, undefined, { cause: err });
  }
  const cause = (e.cause as Error | undefined)?.message;
  return new FetchError('network', `${url}: ${cause ?? e.message}`, undefined, { cause: err });
}
