// What the public is told about a source's last failure. The stored error
// text names the upstream URL, which may carry a licensed wire's key in its
// query, an internal host name, or why the address guard refused it; public
// pages (/sources, /status) show only the failure's kind and HTTP status.
// The admin API and the CLI show the full text to the operator.

const labels: Record<string, string> = {
  timeout: 'timed out',
  http: 'HTTP error',
  'too-large': 'document too large',
  network: 'network error',
  dns: 'host not found',
  tls: 'TLS error',
  redirect: 'redirect error',
  file: 'file not readable',
  forbidden: 'address refused',
  gone: 'gone (HTTP 410)',
  parse: 'not a readable feed',
  entries: 'some entries skipped',
  articles: 'article files skipped',
};

/** One short phrase for the failure (`HTTP 503`, `timed out`), or undefined when there was none. */
export function publicSourceError(kind: string | undefined, httpStatus: number | undefined): string | undefined {
  if (kind === undefined) return undefined;
  if (kind === 'http' && httpStatus !== undefined) return `HTTP ${httpStatus}`;
  return labels[kind] ?? 'error';
}
