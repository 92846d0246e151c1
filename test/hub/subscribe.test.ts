// POST /websub, the hub's endpoint (WebSub 5.1): what it refuses at once,
// with a 4xx that says what is wrong, and what it records for verification
// (202). Callbacks get the SSRF guard of admin-added sources; subscriptions
// are bounded per callback host and in all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { publicAddressesOnly } from '../../src/ingest/fetch/ssrf.js';
import { runIngest } from '../../src/ingest/run.js';
import { countSubscriptionRequests } from '../../src/store/hub/requests.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
const callback = 'https://subscriber.example/websub/cb?id=7';
const topic = 'http://feeds.test/feeds/all.rss';

/** Every name resolves to one public address, without asking DNS: a callback on the Internet, as far as the hub can tell. */
const publicDns = { lookup: async () => [{ address: '93.184.215.14', family: 4 }], allows: publicAddressesOnly.allows };

function form(fields: Record<string, string>): Record<string, string> {
  return { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback, ...fields };
}

describe('POST /websub: what is refused', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = testContext(configWithSources(source));
    ctx.addressGuard = publicDns;
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
  });

  after(() => ctx.close());

  const cases: { name: string; fields: Record<string, string>; message: RegExp }[] = [
    { name: 'no hub.mode', fields: { 'hub.mode': '' }, message: /hub\.mode is required/ },
    { name: 'hub.mode publish (this hub takes no pings)', fields: { 'hub.mode': 'publish' }, message: /hub\.mode must be subscribe or unsubscribe: this hub learns of changes/ },
    { name: 'no hub.topic', fields: { 'hub.topic': '' }, message: /hub\.topic is required/ },
    { name: 'a topic that is not a URL', fields: { 'hub.topic': 'feeds/all.rss' }, message: /hub\.topic is not a URL/ },
    { name: 'a topic on another host', fields: { 'hub.topic': 'http://elsewhere.example/feeds/all.rss' }, message: /hub\.topic must be one of this service's feeds/ },
    { name: 'a topic that is no feed of ours', fields: { 'hub.topic': 'http://feeds.test/articles/1' }, message: /hub\.topic must be one of this service's feeds/ },
    { name: 'a search feed', fields: { 'hub.topic': 'http://feeds.test/feeds/search.rss?q=flood' }, message: /search feeds cannot be subscribed to/ },
    { name: 'a topic with a query (a later page)', fields: { 'hub.topic': 'http://feeds.test/feeds/all.rss?limit=5' }, message: /without a query/ },
    { name: 'an unknown format', fields: { 'hub.topic': 'http://feeds.test/feeds/all.xml' }, message: /\.rss, \.atom or \.json/ },
    { name: 'an unknown category', fields: { 'hub.topic': 'http://feeds.test/feeds/categories/nowhere.atom' }, message: /there is no category "nowhere"/ },
    { name: 'an unknown source', fields: { 'hub.topic': 'http://feeds.test/feeds/sources/nobody.json' }, message: /there is no source "nobody"/ },
    { name: 'an unknown tag', fields: { 'hub.topic': 'http://feeds.test/feeds/tags/no-such-tag.rss' }, message: /there is no tag "no-such-tag"/ },
    { name: 'no hub.callback', fields: { 'hub.callback': '' }, message: /hub\.callback is required/ },
    { name: 'a relative callback', fields: { 'hub.callback': '/cb' }, message: /not an absolute URL/ },
    { name: 'a callback that is not http(s)', fields: { 'hub.callback': 'ftp://subscriber.example/cb' }, message: /must be an http\(s\) URL/ },
    { name: 'a callback with a user and password', fields: { 'hub.callback': 'https://me:pw@subscriber.example/cb' }, message: /must not hold a user name or password/ },
    { name: 'a callback with a fragment', fields: { 'hub.callback': 'https://subscriber.example/cb#x' }, message: /must not have a fragment/ },
    { name: 'a callback over 2048 characters', fields: { 'hub.callback': `https://subscriber.example/${'a'.repeat(2050)}` }, message: /at most 2048 characters/ },
    { name: 'a lease that is not a number', fields: { 'hub.lease_seconds': 'soon' }, message: /hub\.lease_seconds must be a whole number/ },
    { name: 'a lease of 0', fields: { 'hub.lease_seconds': '0' }, message: /hub\.lease_seconds must be a whole number of seconds, at least 1/ },
    { name: 'a secret of 200 bytes', fields: { 'hub.secret': 'é'.repeat(100) }, message: /hub\.secret must be less than 200 bytes/ },
  ];
  for (const c of cases) {
    test(`${c.name}: 400 saying so`, async () => {
      const res = await request(app).post('/websub').type('form').send(form(c.fields)).expect(400);
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
      assert.match(res.text, c.message);
    });
  }

  test('a parameter given twice: 400 naming it', async () => {
    const body = `hub.mode=subscribe&hub.topic=${encodeURIComponent(topic)}&hub.topic=${encodeURIComponent(topic)}&hub.callback=${encodeURIComponent(callback)}`;
    const res = await request(app).post('/websub').type('form').send(body).expect(400);
    assert.match(res.text, /hub\.topic must be given once/);
  });

  test('a body that is not form-encoded: 415', async () => {
    const res = await request(app).post('/websub').send({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback }).expect(415);
    assert.match(res.text, /application\/x-www-form-urlencoded/);
  });

  test('GET /websub: 405 allowing POST, like any route asked with a method it does not take', async () => {
    const res = await request(app).get('/websub').expect(405);
    assert.equal(res.headers.allow, 'POST');
    assert.ok(!('access-control-allow-origin' in res.headers), 'not CORS-open');
  });

  test('an unsubscribe may name a tag that no longer exists (its last article gone): 202', async () => {
    const gone = 'http://feeds.test/feeds/tags/no-such-tag.rss';
    await request(app).post('/websub').type('form').send(form({ 'hub.mode': 'unsubscribe', 'hub.topic': gone })).expect(202);
    const row = ctx.db.prepare('SELECT feed_path, mode FROM websub_requests WHERE topic = ?').get(gone);
    assert.deepEqual(row, { feed_path: '/feeds/tags/no-such-tag', mode: 'unsubscribe' });
    ctx.db.prepare('DELETE FROM websub_requests').run();
  });

  test('nothing refused was recorded', () => {
    assert.equal(countSubscriptionRequests(ctx.db), 0);
  });

  test('unknown parameters are ignored (5.1), a percent-encoded tag and a lease out of bounds are taken: 202', async () => {
    const tag = ctx.db.prepare('SELECT slug FROM article_tags LIMIT 1').pluck().get() as string;
    const tagTopic = `http://feeds.test/feeds/tags/${encodeURIComponent(tag)}.json`;
    await request(app).post('/websub').type('form').send(form({ 'hub.topic': tagTopic, 'hub.lease_seconds': '99999999', 'hub.verify': 'sync' })).expect(202);
    const row = ctx.db.prepare('SELECT feed_path, format, lease_seconds, topic FROM websub_requests').get() as Record<string, unknown>;
    assert.deepEqual(row, { feed_path: `/feeds/tags/${encodeURIComponent(tag)}`, format: 'json', lease_seconds: 30 * 24 * 3600, topic: tagTopic });
  });
});

describe('POST /websub: callbacks on private addresses', () => {
  let ctx: TestContext;

  before(() => {
    ctx = testContext(configWithSources('  []'));
  });

  after(() => ctx.close());

  const refused: [string, string, RegExp][] = [
    ['a loopback IP literal', 'http://127.0.0.1:8080/cb', /hub\.callback: host "127\.0\.0\.1" is a loopback, private/],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /non-public/],
    ['an IPv4-mapped IPv6 literal', 'http://[::ffff:10.0.0.1]/cb', /non-public/],
    ['localhost', 'http://localhost:9000/cb', /loopback name/],
  ];
  for (const [what, url, message] of refused) {
    test(`${what}: 400`, async () => {
      const res = await request(createApp(ctx)).post('/websub').type('form').send(form({ 'hub.callback': url })).expect(400);
      assert.match(res.text, message);
    });
  }

  test('a name that resolves to a private address: 400 naming the address', async () => {
    ctx.addressGuard = { lookup: async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.1.2.3', family: 4 }], allows: publicAddressesOnly.allows };
    try {
      const res = await request(createApp(ctx)).post('/websub').type('form').send(form({ 'hub.callback': 'https://intranet.example/cb' })).expect(400);
      assert.match(res.text, /resolves to 10\.1\.2\.3/);
    } finally {
      ctx.addressGuard = undefined;
    }
    assert.equal(countSubscriptionRequests(ctx.db), 0);
  });
});

describe('POST /websub: limits', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = testContext(configWithSources(source, 'websub:\n  max_per_host: 2\n  max_subscriptions: 3\n'));
    ctx.addressGuard = publicDns;
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('a callback host gets websub.max_per_host topics and callbacks; asking again for one of them is no more', async () => {
    const on = (t: string, cb = callback) => request(app).post('/websub').type('form').send(form({ 'hub.topic': `http://feeds.test/feeds/${t}`, 'hub.callback': cb }));
    await on('all.rss').expect(202);
    await on('all.atom').expect(202);
    const third = await on('all.json').expect(403);
    assert.match(third.text, /the callback host already has 2 subscriptions, the most allowed \(websub\.max_per_host\)/);
    await on('all.atom').expect(202);
    // Another port of the same host is the same host.
    await on('all.json', 'https://subscriber.example:8443/cb').expect(403);
    await request(app).post('/websub').type('form').send(form({ 'hub.mode': 'unsubscribe', 'hub.topic': 'http://feeds.test/feeds/all.rss' })).expect(202);
  });

  test('the hub gets websub.max_subscriptions in all', async () => {
    const on = (host: string) => request(app).post('/websub').type('form').send(form({ 'hub.topic': 'http://feeds.test/feeds/all.json', 'hub.callback': `https://${host}/cb` }));
    await on('second.example').expect(202);
    const res = await on('third.example').expect(403);
    assert.match(res.text, /the hub already has 3 subscriptions, the most allowed \(websub\.max_subscriptions\)/);
  });
});
