// A source added through the admin API is checked again at every fetch and
// every redirect: it cannot be walked into a private network later.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FetchError } from '../../src/ingest/fetch-error.js';
import { fetchFeed } from '../../src/ingest/fetch.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, testContext } from '../helpers.js';

const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link><description>d</description>
<item><guid>t1</guid><title>One</title><link>https://t.example/1</link></item></channel></rss>`;

describe('address checks at fetch time', () => {
  let server: FixtureServer;

  before(async () => {
    server = await serveFixtures({
      '/feed.rss': { body: feed },
      '/away.rss': (_req, res) => {
        res.writeHead(302, { location: 'http://10.9.8.7/feed.rss' }).end();
      },
    });
  });

  after(() => server.close());

  test('a redirect to a refused address is a forbidden FetchError, before any request goes there', async () => {
    const seen: string[] = [];
    const checkUrl = async (url: string) => {
      seen.push(url);
      if (url.includes('10.9.8.7')) throw new Error('private address 10.9.8.7');
    };
    const options = { timeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 100_000, maxRedirects: 3, userAgent: 't', checkUrl };
    await assert.rejects(fetchFeed({ url: `${server.url}/away.rss` }, options), (err: unknown) => {
      assert.ok(err instanceof FetchError);
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'fetch: http://10.9.8.7/feed.rss: private address 10.9.8.7');
      return true;
    });
    assert.deepEqual(seen, [`${server.url}/away.rss`, 'http://10.9.8.7/feed.rss']);
  });

  test('with publicOnly, a name is checked on the addresses the socket connects to (no DNS rebinding window)', async () => {
    const port = new URL(server.url).port;
    const options = { timeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 100_000, maxRedirects: 3, userAgent: 't', publicOnly: true };
    // No checkUrl: only the connect-time lookup stands between us and loopback.
    await assert.rejects(fetchFeed({ url: `http://localhost:${port}/feed.rss` }, options), (err: unknown) => {
      assert.ok(err instanceof FetchError);
      assert.equal(err.kind, 'forbidden');
      assert.match(err.message, /^fetch: http:\/\/localhost:\d+\/feed\.rss: localhost resolves to a non-public address/);
      return true;
    });
    const open = await fetchFeed({ url: `http://localhost:${port}/feed.rss` }, { ...options, publicOnly: false });
    assert.equal(open.status, 200);
  });

  for (const allow of [false, true]) {
    test(`an admin source on a loopback address is ${allow ? 'fetched when the config allows it' : 'refused at fetch time'}`, async () => {
      const ctx = testContext(configWithSources('  []', allow ? 'admin:\n  allow_private_sources: true\n' : ''));
      try {
        ctx.db
          .prepare("INSERT INTO sources (slug, name, url, origin) VALUES ('api', 'Added by API', ?, 'admin')")
          .run(`${server.url}/feed.rss`);
        const [result] = await runIngest(ctx, listSources(ctx.db));
        if (allow) assert.deepEqual([result?.status, result?.itemsNew], ['ok', 1]);
        else assert.match(result?.error ?? '', /^fetch: http:\/\/127\.0\.0\.1:\d+\/feed\.rss: /);
      } finally {
        ctx.close();
      }
    });
  }
});
