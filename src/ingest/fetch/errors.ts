// How a fetch failed, as a kind the caller can act on (back off, refuse, report):
// the error type of fetch.ts, and the mapping from what undici throws to it.

export type FetchErrorKind = 'timeout' | 'http' | 'too-large' | 'network' | 'dns' | 'tls' | 'redirect' | 'file' | 'forbidden' | 'gone';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
    options?: ErrorOptions,
  ) {
    super(`fetch: ${message}`, options);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** Maps what undici throws to a FetchError kind: timeout, dns, tls or network. */
export function toFetchError(err: unknown, url: string, { timeoutMs }: { timeoutMs: number }): FetchError {
  const e = err as Error & { code?: string; cause?: Error & { code?: string } };
  const code = e.cause?.code ?? e.code ?? '';
  const detail = e.cause?.message ?? e.message;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new FetchError('timeout', `${url} did not answer within ${timeoutMs} ms`, {}, { cause: err });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new FetchError('timeout', `${url}: connect timeout`, {}, { cause: err });
  if (code === 'EADDRNOTPUBLIC') return new FetchError('forbidden', `${url}: ${detail}`, {}, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FetchError('dns', `${url}: host not found (${code})`, {}, { cause: err });
  if (/^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET)/.test(code)) {
    return new FetchError('tls', `${url}: TLS error: ${detail}`, {}, { cause: err });
  }
  return new FetchError('network', `${url}: ${detail}`, {}, { cause: err });
}
