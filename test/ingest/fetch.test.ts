import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FetchError, fetchFeed } from '../../src/ingest/fetch.js';
import { type FixtureServer, serveFixtures, testContext } from '../helpers.js';

const options = { timeoutMs: 2000, maxBytes: 1000, userAgent: 'wirefeed/test' };

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
    });
  });

  after(() => server.close());

  test('sends a User-Agent that names wirefeed and returns the body', async () => {
    const result = await fetchFeed(`${server.url}/ok.rss`, options);
    assert.deepEqual([result.status, result.body, result.contentType], [200, '<rss/>', 'application/rss+xml']);
    assert.equal(seenAgent, 'wirefeed/test');
  });

  test('follows a redirect and reports where the body came from', async () => {
    const result = await fetchFeed(`${server.url}/moved.rss`, options);
    assert.equal(result.url, `${server.url}/ok.rss`);
  });

  const failures: [string, string, Partial<FetchError>][] = [
    ['an HTTP error status', '/gone.rss', { kind: 'http', status: 410 }],
    ['a body over the size cap, while streaming', '/big.rss', { kind: 'too-large' }],
    ['a server that never answers', '/slow.rss', { kind: 'timeout' }],
  ];
  for (const [name, path, expected] of failures) {
    test(`${name} is a FetchError of kind ${expected.kind}`, async () => {
      await assert.rejects(fetchFeed(`${server.url}${path}`, { ...options, timeoutMs: 300 }), (err: unknown) => {
        assert.ok(err instanceof FetchError);
        assert.equal(err.kind, expected.kind);
        if (expected.status) assert.equal(err.status, expected.status);
        assert.match(err.message, /^fetch: /);
        return true;
      });
    });
  }

  test('a refused connection is a network FetchError', async () => {
    await assert.rejects(fetchFeed('http://127.0.0.1:1/feed.rss', options), (err: unknown) => err instanceof FetchError && err.kind === 'network');
  });

  test('a file:// feed is read from disk, and a missing one is a file FetchError', async () => {
    const ctx = testContext();
    try {
      const path = join(ctx.dir, 'local.rss');
      writeFileSync(path, '<rss version="2.0"/>');
      assert.equal((await fetchFeed(pathToFileURL(path).href, options)).body, '<rss version="2.0"/>');
      await assert.rejects(fetchFeed(pathToFileURL(join(ctx.dir, 'missing.rss')).href, options), (err: unknown) => err instanceof FetchError && err.kind === 'file');
      writeFileSync(path, 'x'.repeat(2000));
      await assert.rejects(fetchFeed(pathToFileURL(path).href, options), (err: unknown) => err instanceof FetchError && err.kind === 'too-large');
    } finally {
      ctx.close();
    }
  });
});
