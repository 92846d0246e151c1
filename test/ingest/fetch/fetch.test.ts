import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FetchError } from '../../../src/ingest/fetch/errors.js';
import { fetchFeed, parseRetryAfter } from '../../../src/ingest/fetch/fetch.js';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { type FixtureServer, serveFixtures, testContext } from '../../helpers.js';

const options = { timeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 1000, maxRedirects: 3, userAgent: 'wirefeed/test' };

describe('fetching a feed', () => {
  let server: FixtureServer;
  let seenAgent: string | undefined;

  before(async () => {
    server = await serveFixtures({
      '/ok.rss': (req, res) => {
        seenAgent = req.headers['user-agent'];
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>');
      },
      '/gone.rss': { body: 'gone', status: 410 },
      '/big.rss': (_req, res) => {
        // No Content-Length: the cap has to hold while the body streams in.
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('x'.repeat(800));
        setTimeout(() => res.end('x'.repeat(800)), 20);
      },
      '/slow.rss': () => {
        // Never answers.
      },
      '/moved.rss': (_req, res) => {
        res.writeHead(301, { location: '/ok.rss' }).end();
      },
      '/hop1.rss': (_req, res) => {
        res.writeHead(301, { location: '/hop2.rss' }).end();
      },
      '/hop2.rss': (_req, res) => {
        res.writeHead(302, { location: '/ok.rss' }).end();
      },
      '/loop-a.rss': (_req, res) => {
        res.writeHead(302, { location: '/loop-b.rss' }).end();
      },
      '/loop-b.rss': (_req, res) => {
        res.writeHead(302, { location: '/loop-a.rss' }).end();
      },
      '/chain.rss': (_req, res) => {
        res.writeHead(307, { location: '/hop1.rss' }).end();
      },
      '/cached.rss': (req, res) => {
        if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === 'Tue, 17 Nov 2026 08:00:00 GMT') {
          res.writeHead(304, { etag: '"v1"' }).end();
        } else {
          res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 17 Nov 2026 08:00:00 GMT' }).end('<rss/>');
        }
      },
      '/gzip.rss': (req, res) => {
        const body = '<rss>compressed</rss>';
        if (req.headers['accept-encoding']?.includes('br')) res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(body));
        else res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(body));
      },
      '/gzip-only.rss': (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('<rss>gzipped</rss>'));
      },
      '/busy.rss': (_req, res) => {
        res.writeHead(429, { 'retry-after': '120' }).end();
      },
    });
  });

  after(() => server.close());

  test('sends a User-Agent that names wirefeed and returns the body', async () => {
    const result = await fetchFeed({ url: `${server.url}/ok.rss` }, options);
    assert.deepEqual([result.status, result.body.toString(), result.contentType], [200, '<rss/>', 'application/rss+xml']);
    assert.equal(seenAgent, 'wirefeed/test');
  });

  test('follows a redirect and reports where the body came from', async () => {
    const result = await fetchFeed({ url: `${server.url}/moved.rss` }, options);
    assert.equal(result.url, `${server.url}/ok.rss`);
  });

  test('a temporary redirect is followed but does not move the feed; an all-permanent chain does', async () => {
    const moved = await fetchFeed({ url: `${server.url}/moved.rss` }, options);
    assert.equal(moved.movedTo, `${server.url}/ok.rss`);
    const mixed = await fetchFeed({ url: `${server.url}/hop1.rss` }, options);
    assert.deepEqual([mixed.url, mixed.movedTo], [`${server.url}/ok.rss`, undefined]);
  });

  test('sends the stored validators and reports a 304 as not modified, with no body', async () => {
    const first = await fetchFeed({ url: `${server.url}/cached.rss` }, options);
    assert.deepEqual([first.notModified, first.etag, first.lastModified], [false, '"v1"', 'Tue, 17 Nov 2026 08:00:00 GMT']);
    const byEtag = await fetchFeed({ url: `${server.url}/cached.rss`, etag: '"v1"' }, options);
    assert.deepEqual([byEtag.status, byEtag.notModified, byEtag.body.length], [304, true, 0]);
    const byDate = await fetchFeed({ url: `${server.url}/cached.rss`, lastModified: 'Tue, 17 Nov 2026 08:00:00 GMT' }, options);
    assert.equal(byDate.notModified, true);
  });

  test('asks for compression and decompresses brotli and gzip bodies', async () => {
    assert.equal((await fetchFeed({ url: `${server.url}/gzip.rss` }, options)).body.toString(), '<rss>compressed</rss>');
    assert.equal((await fetchFeed({ url: `${server.url}/gzip-only.rss` }, options)).body.toString(), '<rss>gzipped</rss>');
  });

  test('a 429 carries its Retry-After', async () => {
    await assert.rejects(fetchFeed({ url: `${server.url}/busy.rss` }, options), (err: unknown) => {
      assert.ok(err instanceof FetchError);
      assert.deepEqual(err.details, { status: 429, retryAfterMs: 120_000 });
      return true;
    });
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 17, 8, 0, 0);
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 17 Nov 2026 08:05:00 GMT', now), 300_000);
    assert.equal(parseRetryAfter('Tue, 17 Nov 2026 07:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  const failures: [string, string, Partial<FetchError>][] = [
    ['a redirect loop', '/loop-a.rss', { kind: 'redirect' }],
    ['more redirects than allowed', '/chain.rss', { kind: 'redirect' }],
    ['an HTTP 410', '/gone.rss', { kind: 'gone', status: 410 }],
    ['a body over the size cap, while streaming', '/big.rss', { kind: 'too-large' }],
    ['a server that never answers', '/slow.rss', { kind: 'timeout' }],
  ];
  for (const [name, path, expected] of failures) {
    test(`${name} is a FetchError of kind ${expected.kind}`, async () => {
      await assert.rejects(fetchFeed({ url: `${server.url}${path}` }, { ...options, timeoutMs: 300, maxRedirects: 2 }), (err: unknown) => {
        assert.ok(err instanceof FetchError);
        assert.equal(err.kind, expected.kind);
        if (expected.status) assert.equal(err.status, expected.status);
        assert.match(err.message, /^fetch: /);
        return true;
      });
    });
  }

  test('a refused connection is a network FetchError', async () => {
    await assert.rejects(fetchFeed({ url: 'http://127.0.0.1:1/feed.rss' }, options), (err: unknown) => err instanceof FetchError && err.kind === 'network');
  });

  test('a file:// feed is read from disk, and a missing one is a file FetchError', async () => {
    const ctx = testContext();
    try {
      const path = join(ctx.dir, 'local.rss');
      writeFileSync(path, '<rss version="2.0"/>');
      assert.equal((await fetchFeed({ url: pathToFileURL(path).href }, options)).body.toString(), '<rss version="2.0"/>');
      await assert.rejects(fetchFeed({ url: pathToFileURL(join(ctx.dir, 'missing.rss')).href }, options), (err: unknown) => err instanceof FetchError && err.kind === 'file');
      writeFileSync(path, 'x'.repeat(2000));
      await assert.rejects(fetchFeed({ url: pathToFileURL(path).href }, options), (err: unknown) => err instanceof FetchError && err.kind === 'too-large');
    } finally {
      ctx.close();
    }
  });
});
