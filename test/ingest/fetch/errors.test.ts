// How network failures are named: a real TLS failure against a local https
// server with a self-signed certificate, and the error codes undici reports
// for DNS and connect failures (made up here: tests never resolve names).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { FetchError, toFetchError } from '../../../src/ingest/fetch/errors.js';
import { fetchFeed } from '../../../src/ingest/fetch/fetch.js';
import { testContext } from '../../helpers.js';

const options = { timeoutMs: 3000, connectTimeoutMs: 2000, maxBytes: 1000, maxRedirects: 3, userAgent: 'wirefeed/test' };

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a certificate nobody vouches for is a tls FetchError', { skip: hasOpenssl() ? false : 'openssl is not installed' }, async () => {
  const ctx = testContext();
  const key = join(ctx.dir, 'key.pem');
  const cert = join(ctx.dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], {
    stdio: 'ignore',
  });
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('<rss/>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/feed.rss`;
    await assert.rejects(fetchFeed({ url }, options), (err: unknown) => {
      assert.ok(err instanceof FetchError);
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /^fetch: https:\/\/127\.0\.0\.1:\d+\/feed\.rss: TLS error: /);
      return true;
    });
  } finally {
    server.closeAllConnections();
    server.close();
    ctx.close();
  }
});

test('undici failures are named by kind', () => {
  const cases: [string, unknown, string][] = [
    ['a host that does not resolve', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }) }), 'dns'],
    ['a resolver that is down', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }) }), 'dns'],
    ['a connect timeout', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }), 'timeout'],
    ['the total timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    ['an expired certificate', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) }), 'tls'],
    ['a reset connection', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }), 'network'],
  ];
  for (const [name, err, kind] of cases) {
    const mapped = toFetchError(err, 'https://x.invalid/feed', { timeoutMs: 1000 });
    assert.equal(mapped.kind, kind, name);
    assert.match(mapped.message, /^fetch: https:\/\/x\.invalid\/feed/, name);
  }
});
