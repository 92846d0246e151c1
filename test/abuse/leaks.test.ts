// What the public must never see, tried the way an outsider would: full
// text without a key, an upstream's key or host through a failing source,
// credentials in the request log, and partner keys sent in ways the server
// might misread. Every public route is scanned, not just the one that leaked.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { createPartner, revokePartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

/** Words that appear only in the full body of the article, never in its title or summary. */
const BODY_ONLY = 'Quarantined paragraph zanzibarite';
const UPSTREAM_KEY = 'wirekey-5f1c0ffee';

const feed = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>${items}</channel></rss>`;
const item = (n: number, category: string) => `<item><guid>w${n}</guid><title>Harbour story ${n}</title><link>https://wire.example/${n}</link>
<category>${category}</category><pubDate>Mon, 23 Nov 2026 0${n}:00:00 GMT</pubDate><description>Short summary ${n}.</description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>Short summary ${n}.</p><p>${BODY_ONLY} ${n} goes on.</p>]]></content:encoded></item>`;

describe('nothing private on a public surface', () => {
  let ctx: TestContext;
  let app: App;
  let upstream: FixtureServer;
  let logged = '';
  let ingestLog = '';
  let fullKey = '';
  let climateKey = '';
  let revokedKey = '';
  let transportId = 0;

  before(async () => {
    upstream = await serveFixtures({
      [`/licensed-feed.xml?apikey=${UPSTREAM_KEY}`]: { body: feed(item(1, 'Environment') + item(2, 'Transit')) },
      [`/broken-feed.xml?apikey=${UPSTREAM_KEY}`]: { body: 'upstream exploded', status: 503 },
    });
    const sources = [
      `  - { slug: wire, name: Licensed Wire, url: "${upstream.url}/licensed-feed.xml?apikey=${UPSTREAM_KEY}" }`,
      `  - { slug: down, name: Down Wire, url: "${upstream.url}/broken-feed.xml?apikey=${UPSTREAM_KEY}" }`,
      '  - { slug: local, name: Local File, file: local.rss }',
    ].join('\n');
    const base = testContext(configWithSources(sources, '', false));
    writeFileSync(join(base.dir, 'local.rss'), '<rss version="2.0"><channel><title>Local</title><item><title>Oops</item></channel>');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    ctx = { ...base, log: createLog('debug', sink) };
    await runIngest(ctx, listSources(ctx.db));
    ingestLog = logged;
    fullKey = createPartner(ctx.db, 'Full Wire', { fullText: true, categories: [] }).key;
    climateKey = createPartner(ctx.db, 'Climate Only', { fullText: true, categories: ['climate'] }).key;
    revokedKey = createPartner(ctx.db, 'Gone', { fullText: true, categories: [] }).key;
    revokePartner(ctx.db, 'Gone');
    transportId = ctx.db.prepare("SELECT article_id FROM article_categories WHERE category_slug = 'transport'").pluck().get() as number;
    app = createApp(ctx);
  });

  after(async () => {
    base().close();
    await upstream.close();
  });
  const base = () => ctx as TestContext;

  /** Every public route that shows articles or sources, for one article id. */
  const publicPaths = (id: number) => [
    '/',
    '/status',
    '/sources',
    '/categories',
    '/tags',
    '/opml',
    `/articles/${id}`,
    `/articles/${id}.json`,
    ...['rss', 'atom', 'json'].flatMap((f) => [
      `/feeds/all.${f}`,
      `/feeds/categories/transport.${f}`,
      `/feeds/sources/wire.${f}`,
      `/feeds/sources/down.${f}`,
      `/feeds/search.${f}?q=zanzibarite`,
      `/feeds/search.${f}?q=harbour`,
    ]),
  ];

  test('the stored article has the body the public must not get', () => {
    const body = ctx.db.prepare('SELECT content_html FROM articles WHERE id = ?').pluck().get(transportId) as string;
    assert.ok(body.includes(BODY_ONLY));
  });

  test('no public route shows the full text, an upstream URL, its host or its key', async () => {
    const host = new URL(upstream.url).host;
    for (const path of publicPaths(transportId)) {
      const res = await request(app).get(path);
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      const text = res.text ?? '';
      assert.ok(!text.includes(BODY_ONLY), `${path} shows the full text`);
      assert.ok(!text.includes(UPSTREAM_KEY), `${path} shows the upstream key`);
      assert.ok(!text.includes(host), `${path} shows the upstream host`);
      assert.ok(!text.includes('licensed-feed.xml') && !text.includes('broken-feed.xml'), `${path} shows the upstream path`);
    }
  });

  /** The HTML pages, and every path above as a browser asks for it (a feed's preview, the article page). */
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const pagePaths = (id: number) => [
    ...publicPaths(id),
    '/categories/transport',
    '/sources/wire',
    '/sources/down',
    '/sources/local',
    '/search?q=zanzibarite',
    '/search?q=harbour',
    '/feeds/all.rss?view=html',
    '/feeds/sources/down.atom?view=html',
  ];

  test('no HTML page or feed preview shows the full text, an upstream URL, its host or its key', async () => {
    const host = new URL(upstream.url).host;
    let pages = 0;
    for (const path of pagePaths(transportId)) {
      const res = await request(app).get(path).set('Accept', BROWSER);
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      const text = res.text ?? '';
      if (/^text\/html/.test(res.headers['content-type'] ?? '')) pages++;
      assert.ok(!text.includes(BODY_ONLY), `${path} shows the full text`);
      assert.ok(!text.includes(UPSTREAM_KEY), `${path} shows the upstream key`);
      assert.ok(!text.includes(host), `${path} shows the upstream host`);
      assert.ok(!text.includes('licensed-feed.xml') && !text.includes('broken-feed.xml'), `${path} shows the upstream path`);
    }
    // The browser got pages, not the feeds: the loop above read what a person sees.
    assert.ok(pages >= 20, `only ${pages} HTML answers`);
  });

  test('the article page shows the full text to a full-text partner only, inside its categories', async () => {
    const page = (headers: Record<string, string>) => request(app).get(`/articles/${transportId}`).set({ Accept: BROWSER, ...headers }).expect(200);
    const full = await page({ Authorization: `Bearer ${fullKey}` });
    assert.match(full.headers['content-type'] ?? '', /^text\/html/);
    assert.ok(full.text.includes(BODY_ONLY));
    assert.match(full.headers['cache-control'] ?? '', /^private/);
    const outside = await page({ Authorization: `Bearer ${climateKey}` });
    assert.ok(!outside.text.includes(BODY_ONLY));
    const open = await page({});
    assert.ok(!open.text.includes(BODY_ONLY));
    assert.ok(open.text.includes('Short summary 2.'));
  });

  test('a failing source is shown by the kind of its error and its HTTP status only', async () => {
    const sources = (await request(app).get('/sources').expect(200)).body as { slug: string; last_error: string | null; last_status: string }[];
    const bySlug = Object.fromEntries(sources.map((s) => [s.slug, s]));
    assert.equal(bySlug.down?.last_error, 'HTTP 503');
    assert.equal(bySlug.local?.last_error, 'not a readable feed');
    assert.equal(bySlug.wire?.last_error, null);
    const status = (await request(app).get('/status').expect(200)).text;
    assert.match(status, /<td>HTTP 503<\/td>/);
  });

  test('the admin side still has the whole error (the CLI reads it from the store)', () => {
    const error = ctx.db.prepare("SELECT last_error FROM sources WHERE slug = 'down'").pluck().get() as string;
    assert.match(error, /answered HTTP 503/);
  });

  test('a full-text partner gets the body on the article route; a partner outside its categories does not', async () => {
    const full = await request(app).get(`/articles/${transportId}.json`).set('Authorization', `Bearer ${fullKey}`).expect(200);
    assert.ok(String(full.body.content_html).includes(BODY_ONLY));
    assert.match(full.headers['cache-control'] ?? '', /^private/);
    const byQuery = await request(app).get(`/articles/${transportId}?key=${fullKey}`).expect(200);
    assert.ok(String(byQuery.body.content_html).includes(BODY_ONLY));
    const outside = await request(app).get(`/articles/${transportId}.json`).set('Authorization', `Bearer ${climateKey}`).expect(200);
    assert.equal(outside.body.content_html, undefined);
    const open = await request(app).get(`/articles/${transportId}`).expect(200);
    assert.equal(open.body.content_html, undefined);
    assert.equal(open.body.summary, 'Short summary 2.');
    assert.match(open.headers.vary ?? '', /Authorization/);
  });

  test('the bearer scheme is read in any case; an unknown, revoked or empty key is a 401 on every public route', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await request(app).get(`/articles/${transportId}.json`).set('Authorization', `${scheme} ${fullKey}`).expect(200);
      assert.ok(String(res.body.content_html).includes(BODY_ONLY), scheme);
    }
    const refusals: [string, Record<string, string>][] = [
      ['revoked, lower-case scheme', { Authorization: `bearer ${revokedKey}` }],
      ['revoked, upper-case scheme', { Authorization: `BEARER   ${revokedKey}` }],
      ['unknown', { Authorization: 'Bearer wf_nobody-holds-this' }],
      ['empty', { Authorization: 'Bearer' }],
      ['blank', { Authorization: 'Bearer    ' }],
    ];
    for (const path of ['/feeds/all.rss', '/feeds/categories/transport.json', `/articles/${transportId}`, '/', '/sources', '/opml', '/status']) {
      for (const [name, headers] of refusals) {
        const res = await request(app).get(path).set(headers);
        assert.equal(res.status, 401, `${name} key on ${path}`);
        assert.ok(!res.text.includes(BODY_ONLY));
      }
      assert.equal((await request(app).get(`${path}${path.includes('?') ? '&' : '?'}key=${revokedKey}`)).status, 401, `revoked ?key= on ${path}`);
    }
  });

  test('a key given twice is a 400; another auth scheme (a proxy\'s Basic) is not ours and gets the public answer', async () => {
    const twice = await request(app).get(`/feeds/all.rss?key=${fullKey}&key=${fullKey}`).expect(400);
    assert.match(twice.text, /key/);
    const basic = await request(app).get(`/articles/${transportId}`).set('Authorization', 'Basic dXNlcjpwYXNz').expect(200);
    assert.equal(basic.body.content_html, undefined);
  });

  test('credentials in query strings are masked in the request log, on every route', async () => {
    logged = '';
    const secrets = ['adm1n-t0ken-xyz', 'acc3ss-t0ken-xyz', 'adm1n2-t0ken-xyz', 'ap1-k3y-xyz', 'pa55w0rd-xyz', 'h00k-s3cret-xyz'];
    const query = `token=${secrets[0]}&access_token=${secrets[1]}&admin_token=${secrets[2]}&api_key=${secrets[3]}&password=${secrets[4]}&hub.secret=${secrets[5]}&limit=2`;
    for (const path of ['/feeds/all.rss', '/feeds/all.rss', '/', '/admin/sources', '/nowhere', `/articles/${transportId}`]) {
      await request(app).get(`${path}?${query}`);
    }
    const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; url?: string });
    const requests = lines.filter((l) => l.event === 'request');
    assert.equal(requests.length, 6);
    for (const secret of secrets) assert.ok(!logged.includes(secret), `${secret} reached the log`);
    assert.match(requests[0]?.url ?? '', /token=REDACTED&access_token=REDACTED&admin_token=REDACTED&api_key=REDACTED/);
    assert.match(requests[0]?.url ?? '', /limit=2$/, 'other parameters stay readable');
  });

  test('an upstream key in a source URL never reaches the log, even when the source fails', () => {
    // The ingest in before() logged a line per source; the failing one names its URL.
    assert.match(ingestLog, /"source":"down".*"error":"fetch: http:\/\/127\.0\.0\.1:\d+\/broken-feed\.xml\?apikey=REDACTED answered HTTP 503"/);
    assert.ok(!ingestLog.includes(UPSTREAM_KEY));
  });

  test('HTML pages forbid scripts by policy, and no answer may be sniffed into another type', async () => {
    for (const path of ['/', '/status', '/categories/transport', '/search?q=harbour', `/articles/${transportId}`, '/feeds/all.rss?view=html']) {
      const res = await request(app).get(path).set('Accept', BROWSER).expect(200);
      assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/, path);
      assert.doesNotMatch(res.headers['content-security-policy'] ?? '', /script-src/, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    }
    for (const path of ['/sources', `/articles/${transportId}.json`, '/nowhere']) {
      assert.equal((await request(app).get(path)).headers['x-content-type-options'], 'nosniff', path);
    }
  });

  test('a forged Host header never reaches a link, and a token in the query opens no admin route', async () => {
    for (const path of ['/', '/feeds/all.rss', '/feeds/all.atom', '/feeds/all.json', '/opml', `/articles/${transportId}`]) {
      const res = await request(app).get(path).set('Host', 'attacker.example').set('X-Forwarded-Host', 'attacker.example');
      assert.ok(!res.text.includes('attacker.example'), path);
      const page = await request(app).get(path).set('Accept', BROWSER).set('Host', 'attacker.example').set('X-Forwarded-Host', 'attacker.example');
      assert.ok(!page.text.includes('attacker.example'), `${path} as a page`);
    }
    const adminCtx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: 'abuse-admin-token-0123456789' });
    try {
      const admin = createApp(adminCtx);
      for (const name of ['token', 'access_token', 'admin_token']) {
        await request(admin).get(`/admin/sources?${name}=abuse-admin-token-0123456789`).expect(401);
      }
      await request(admin).get('/admin/sources').set('Authorization', 'bearer abuse-admin-token-0123456789').expect(200);
    } finally {
      adminCtx.close();
    }
  });
});
