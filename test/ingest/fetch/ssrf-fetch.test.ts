// A source from outside the config file is checked again at every fetch and
// every redirect, on the address actually connected to: it cannot be walked
// into a private network later.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FetchError } from '../../../src/ingest/fetch/errors.js';
import { type FetchOptions, fetchFeed } from '../../../src/ingest/fetch/fetch.js';
import { runIngest } from '../../../src/ingest/run.js';
import { type AddressGuard, isNonPublicAddress } from '../../../src/ingest/fetch/ssrf.js';
import { listSources } from '../../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, testContext } from '../../helpers.js';

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

describe('the connector refuses the address it connected to', () => {
  let server: FixtureServer;
  let other: FixtureServer;
  const requests: string[] = [];
  const options: FetchOptions = { timeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 100_000, maxRedirects: 3, userAgent: 't' };
  const forbidden = (pattern: RegExp) => (err: unknown) => {
    assert.ok(err instanceof FetchError, String(err));
    assert.equal(err.kind, 'forbidden', err.message);
    assert.match(err.message, pattern);
    return true;
  };

  before(async () => {
    other = await serveFixtures({
      '/feed.rss': (req, res) => {
        requests.push(`other ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
      },
    });
    server = await serveFixtures({
      '/feed.rss': (req, res) => {
        requests.push(`fixture ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
      },
      '/away.rss': (_req, res) => {
        res.writeHead(302, { location: `${other.url}/feed.rss` }).end();
      },
    });
  });

  after(async () => {
    await server.close();
    await other.close();
  });

  test('an IP-literal URL, which no lookup sees, is refused before connecting', async () => {
    requests.length = 0;
    await assert.rejects(fetchFeed({ url: `${server.url}/feed.rss` }, { ...options, publicOnly: true }), forbidden(/127\.0\.0\.1 is a non-public address/));
    const port = new URL(server.url).port;
    for (const host of ['[::1]', '[::ffff:127.0.0.1]', '[::127.0.0.1]', '2130706433', '0x7f.1']) {
      await assert.rejects(fetchFeed({ url: `http://${host}:${port}/feed.rss` }, { ...options, publicOnly: true }), forbidden(/is a non-public address/));
    }
    assert.deepEqual(requests, []);
  });

  test('a name that passed at DNS time is refused on the address the socket reached, before the request is sent', async () => {
    requests.length = 0;
    // A guard that cannot judge a name's addresses (no port yet) and refuses once connected.
    const lateGuard: AddressGuard = { lookup: async () => [{ address: '127.0.0.1', family: 4 }], allows: (_address, port) => port === undefined };
    const port = new URL(server.url).port;
    await assert.rejects(
      fetchFeed({ url: `http://feeds.example:${port}/feed.rss` }, { ...options, publicOnly: lateGuard }),
      forbidden(/connected to 127\.0\.0\.1, a non-public address/),
    );
    // Over TLS, refused at the TCP connect, not after a handshake (the fixture speaks plain HTTP: a handshake would fail as 'tls' or 'network').
    await assert.rejects(
      fetchFeed({ url: `https://feeds.example:${port}/feed.rss` }, { ...options, publicOnly: lateGuard }),
      forbidden(/connected to 127\.0\.0\.1, a non-public address/),
    );
    assert.deepEqual(requests, []);
  });

  test('a name resolving to a public and a private address is refused, whichever comes first', async () => {
    for (const order of [['93.184.216.34', '10.0.0.7'], ['10.0.0.7', '93.184.216.34']]) {
      const mixed: AddressGuard = {
        lookup: async () => order.map((address) => ({ address, family: 4 })),
        allows: (address) => !isNonPublicAddress(address),
      };
      await assert.rejects(
        fetchFeed({ url: 'http://mixed.example/feed.rss' }, { ...options, publicOnly: mixed }),
        forbidden(/mixed\.example resolves to a non-public address \(10\.0\.0\.7\)/),
      );
    }
  });

  test('a redirect from an allowed address to a refused one is not followed, even with no checkUrl', async () => {
    requests.length = 0;
    const fixturePort = Number(new URL(server.url).port);
    // 127.0.0.1 counts as public on the first fixture's port only.
    const onePort: AddressGuard = {
      lookup: async () => {
        throw new Error('no name in this test');
      },
      allows: (address, port) => (address === '127.0.0.1' && port === fixturePort) || !isNonPublicAddress(address),
    };
    const fetched = await fetchFeed({ url: `${server.url}/feed.rss` }, { ...options, publicOnly: onePort });
    assert.equal(fetched.status, 200);
    await assert.rejects(fetchFeed({ url: `${server.url}/away.rss` }, { ...options, publicOnly: onePort }), forbidden(/127\.0\.0\.1 is a non-public address/));
    assert.deepEqual(requests, ['fixture /feed.rss']);
  });
});
