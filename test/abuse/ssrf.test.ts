// Server-side request forgery through the sources an API caller controls:
// an OPML import whose host later resolves to loopback, a redirect from an
// allowed first hop to a private one, a source of an origin nobody has
// thought of yet, and a file:// URL. Each is refused at fetch time, recorded
// against the source, and nothing it would have read reaches a public feed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { type AddressGuard, isNonPublicAddress, type LookupAll, publicAddressesOnly } from '../../src/ingest/fetch/ssrf.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const token = 'abuse-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const secret = 'Payroll memo from the intranet';
const internalFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Intranet</title><link>https://intranet.example/</link>
<item><guid>memo-1</guid><title>${secret}</title><link>https://intranet.example/memo-1</link><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`;

function adminContext(allowPrivate = false): TestContext {
  const admin = allowPrivate ? 'admin:\n  allow_private_sources: true\n' : '';
  return testContext(configWithSources('  []', admin), { WIREFEED_ADMIN_TOKEN: token });
}

function opmlOf(...urls: string[]): string {
  const outlines = urls.map((url, i) => `<outline text="Feed ${i + 1}" type="rss" xmlUrl="${url}"/>`).join('\n');
  return `<?xml version="1.0"?><opml version="2.0"><head><title>Imported</title></head><body>\n${outlines}\n</body></opml>`;
}

/** An internal service: it counts every request it is sent. */
async function internalService(): Promise<FixtureServer & { requests: string[] }> {
  const requests: string[] = [];
  const server = await serveFixtures({
    '/feed.xml': (req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(internalFeed);
    },
  });
  return Object.assign(server, { requests });
}

async function publishedEverywhere(app: App): Promise<string> {
  const rss = await request(app).get('/feeds/all.rss').expect(200);
  const json = await request(app).get('/feeds/all.json').expect(200);
  return rss.text + JSON.stringify(json.body);
}

describe('SSRF: sources from an OPML import', () => {
  let internal: Awaited<ReturnType<typeof internalService>>;
  before(async () => {
    internal = await internalService();
  });
  after(() => internal.close());

  test('a host that resolved to a public address at import and to 127.0.0.1 at fetch (DNS rebinding) is refused, and nothing is published', async () => {
    const ctx = adminContext();
    try {
      // One stand-in DNS for the import check and the fetch: the answer changes in between.
      let answer = '93.184.216.34';
      const lookup: LookupAll = async () => [{ address: answer, family: 4 }];
      ctx.addressGuard = { lookup, allows: publicAddressesOnly.allows };
      const app = createApp(ctx);
      const port = new URL(internal.url).port;
      const imported = await request(app)
        .post('/admin/sources/import')
        .set(auth)
        .set('Content-Type', 'text/x-opml')
        .send(opmlOf(`http://rebind.example:${port}/feed.xml`))
        .expect(200);
      assert.deepEqual(imported.body.added.map((s: { url: string }) => s.url), [`http://rebind.example:${port}/feed.xml`]);
      assert.equal(listSources(ctx.db)[0]?.origin, 'opml');

      answer = '127.0.0.1';
      const ingest = await request(app).post('/admin/ingest').set(auth).expect(200);
      const [result] = ingest.body.results;
      assert.equal(result.status, 'error');
      assert.match(result.error, /^fetch: http:\/\/rebind\.example:\d+\/feed\.xml: .*127\.0\.0\.1.*non-public/);
      const [health] = (await request(app).get('/admin/sources').set(auth).expect(200)).body;
      assert.deepEqual([health.last_status, health.error_count], ['error', 1]);
      assert.match(health.last_error, /non-public/);
      assert.deepEqual(internal.requests, []);
      assert.ok(!(await publishedEverywhere(app)).includes(secret));
    } finally {
      ctx.close();
    }
  });

  test('a redirect from an allowed first hop to a private address is refused, and nothing is published', async () => {
    const outside = await serveFixtures({});
    const outsidePort = Number(new URL(outside.url).port);
    // The "public" first hop: 127.0.0.1 counts as public on this one port only.
    const onePort: AddressGuard = {
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
      allows: (address, port) => (address === '127.0.0.1' && port === outsidePort) || !isNonPublicAddress(address),
    };
    const internalPort = new URL(internal.url).port;
    const targets = [
      ['a private IP literal', `http://127.0.0.1:${internalPort}/feed.xml`],
      ['a name that resolves to a private address', `http://intranet.example:${internalPort}/feed.xml`],
    ];
    try {
      for (const [what, target] of targets) {
        const ctx = adminContext();
        try {
          ctx.addressGuard = onePort;
          outside.routes.set('/moved.xml', (_req, res) => res.writeHead(302, { location: target }).end());
          const app = createApp(ctx);
          const imported = await request(app)
            .post('/admin/sources/import')
            .set(auth)
            .set('Content-Type', 'text/x-opml')
            .send(opmlOf(`${outside.url}/moved.xml`))
            .expect(200);
          assert.equal(imported.body.added.length, 1, what);
          const ingest = await request(app).post('/admin/ingest').set(auth).expect(200);
          const [result] = ingest.body.results;
          assert.equal(result.status, 'error', what);
          assert.match(result.error, /non-public/, what);
          assert.deepEqual(internal.requests, [], what);
          assert.ok(!(await publishedEverywhere(app)).includes(secret), what);
        } finally {
          ctx.close();
        }
      }
    } finally {
      await outside.close();
    }
  });
});

describe('SSRF: every origin but the config file is guarded', () => {
  let internal: Awaited<ReturnType<typeof internalService>>;
  before(async () => {
    internal = await internalService();
  });
  after(() => internal.close());

  // 'partner-sync' stands for an origin added later: guarded without anyone remembering to.
  for (const origin of ['admin', 'opml', 'partner-sync']) {
    test(`a source of origin '${origin}' on 127.0.0.1 is refused at fetch, and nothing is published`, async () => {
      const ctx = adminContext();
      try {
        internal.requests.length = 0;
        ctx.db.prepare("INSERT INTO sources (slug, name, url, origin) VALUES ('inside', 'Inside', ?, ?)").run(`${internal.url}/feed.xml`, origin);
        const [result] = await runIngest(ctx, listSources(ctx.db));
        assert.equal(result?.status, 'error');
        assert.match(result?.error ?? '', /^fetch: http:\/\/127\.0\.0\.1:\d+\/feed\.xml: .*non-public/);
        assert.deepEqual(internal.requests, []);
        assert.ok(!(await publishedEverywhere(createApp(ctx))).includes(secret));
      } finally {
        ctx.close();
      }
    });
  }

  test('the same source from the config file, or with allow_private_sources, is fetched', async () => {
    for (const [origin, allowPrivate] of [['config', false], ['opml', true]] as const) {
      const ctx = adminContext(allowPrivate);
      try {
        ctx.db.prepare("INSERT INTO sources (slug, name, url, origin) VALUES ('inside', 'Inside', ?, ?)").run(`${internal.url}/feed.xml`, origin);
        const [result] = await runIngest(ctx, listSources(ctx.db));
        assert.deepEqual([result?.status, result?.itemsNew], ['ok', 1], origin);
        assert.ok((await publishedEverywhere(createApp(ctx))).includes(secret), origin);
      } finally {
        ctx.close();
      }
    }
  });
});

describe('SSRF: no source from outside the config file is read from a file, even with allow_private_sources', () => {
  let ctx: TestContext;
  let app: App;
  before(() => {
    ctx = adminContext(true);
    app = createApp(ctx);
  });
  after(() => ctx.close());

  const notHttp = ['file:///etc/passwd', 'FILE:///etc/passwd', 'file://localhost/etc/passwd', 'ftp://93.184.216.34/feed.xml', 'gopher://93.184.216.34/', 'javascript:alert(1)'];

  test('the admin API refuses a non-http(s) URL, added or changed, with a 400 naming url', async () => {
    for (const url of notHttp) {
      const added = await request(app).post('/admin/sources').set(auth).send({ slug: 'local-file', name: 'Local file', url }).expect(400);
      assert.equal(added.body.field, 'url', url);
    }
    await request(app).post('/admin/sources').set(auth).send({ slug: 'wire', name: 'Wire', url: 'https://93.184.216.34/feed.xml' }).expect(201);
    for (const url of notHttp) {
      const patched = await request(app).patch('/admin/sources/wire').set(auth).send({ url }).expect(400);
      assert.equal(patched.body.field, 'url', url);
    }
    assert.equal(ctx.db.prepare("SELECT url FROM sources WHERE slug = 'wire'").pluck().get(), 'https://93.184.216.34/feed.xml');
  });

  test('an OPML import skips a non-http(s) URL', async () => {
    const res = await request(app).post('/admin/sources/import').set(auth).set('Content-Type', 'text/x-opml').send(opmlOf(...notHttp)).expect(200);
    assert.deepEqual(res.body.added, []);
    assert.equal(res.body.skipped.length, notHttp.length);
    assert.equal(ctx.db.prepare("SELECT count(*) FROM sources WHERE url NOT LIKE 'http%'").pluck().get(), 0);
  });

  test('a stored non-config source with a file: URL is refused at fetch, and nothing is published', async () => {
    const file = join(ctx.dir, 'internal.xml');
    writeFileSync(file, internalFeed);
    ctx.db.prepare("INSERT INTO sources (slug, name, url, origin) VALUES ('on-disk', 'On disk', ?, 'admin')").run(pathToFileURL(file).href);
    const [result] = await runIngest(ctx, listSources(ctx.db).filter((s) => s.slug === 'on-disk'));
    assert.equal(result?.status, 'error');
    assert.match(result?.error ?? '', /only a source in the config file may be read from a file/);
    assert.ok(!(await publishedEverywhere(app)).includes(secret));
  });
});
