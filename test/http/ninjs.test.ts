// IPTC ninjs 2.0 for partners through HTTP: every feed kind as .ninjs for a
// key, a 403 (and nothing of the feed) for the public, the full text only
// for a partner whose tier has it, every item held to the 2.0 schema's
// rules (test/publish/ninjs-check.ts), and the common answer path: private
// caching, ETag and 304, gzip.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';
import { checkNinjs } from '../publish/ninjs-check.js';

interface NinjsItem {
  uri: string;
  representationtype: string;
  headlines: { value: string }[];
  descriptions?: { role: string; value: string }[];
  bodies?: { value: string; contenttype: string }[];
  subjects: { name: string; uri: string; literal: string }[];
  associations?: { name: string; type?: string; renditions: { href: string }[]; descriptions?: { value: string }[]; by?: string }[];
  renditions: { name: string; href: string }[];
  copyrightnotice?: string;
}
interface NinjsPage {
  uri: string;
  self: string;
  headline: string;
  next?: string;
  items: NinjsItem[];
}

const feedPaths = ['/feeds/all', '/feeds/categories/climate', '/feeds/sources/demo-desk', '/feeds/tags/port-elling', '/feeds/search.ninjs?q=flood'];
const ninjsUrl = (path: string) => (path.includes('?') ? path : `${path}.ninjs`);

describe('ninjs 2.0 for partners', () => {
  let ctx: TestContext;
  let app: App;
  let fullKey: string;
  let summaryKey: string;

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
    // Summaries for the public, so that a leak of full text would show.
    ctx = testContext(configWithSources(source, '', false).replace('  author: Test Desk\n', '  author: Test Desk\n  rights: "© Test Desk"\n'));
    await runIngest(ctx, listSources(ctx.db));
    ctx.db.prepare("UPDATE articles SET rights = '© 2026 The Demo Desk'").run();
    fullKey = createPartner(ctx.db, 'Wire Partner', { fullText: true, categories: [] }).key;
    summaryKey = createPartner(ctx.db, 'Headlines Only', { fullText: false, categories: [] }).key;
    app = createApp(ctx);
  });

  after(() => ctx.close());

  const asPartner = (key: string, url: string) => request(app).get(url).set('Authorization', `Bearer ${key}`);

  test('a partner gets every feed kind as .ninjs: JSON, private, and each item a valid ninjs 2.0 object', async () => {
    for (const path of feedPaths) {
      const res = await asPartner(fullKey, ninjsUrl(path)).expect(200);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', path);
      assert.equal(res.headers['cache-control'], 'private, max-age=300', path);
      assert.equal(res.headers['surrogate-key'], undefined, path);
      assert.equal(res.headers['access-control-allow-origin'], undefined, path);
      assert.ok(res.headers.etag, path);
      const page = res.body as NinjsPage;
      assert.ok(page.items.length > 0, path);
      assert.equal(page.self, `http://feeds.test${ninjsUrl(path)}`);
      assert.equal(page.uri, `http://feeds.test${path.replace('.ninjs', '')}`);
      assert.equal(typeof page.headline, 'string');
      page.items.forEach((item, i) => assert.deepEqual(checkNinjs(item, `${path} items[${i}]`), []));
    }
  });

  test('the checker itself refuses what the schema refuses', () => {
    assert.deepEqual(checkNinjs({ uri: 'http://x.test/1' }), []);
    assert.deepEqual(checkNinjs({}), ['item.uri: required']);
    assert.deepEqual(checkNinjs({ uri: 'http://x.test/1', bylines: [] }), ['item.bylines: not a property here']);
    assert.deepEqual(checkNinjs({ uri: 'http://x.test/1', type: 'article', firstcreated: '2026-11-19' }), [
      'item.type: not one of text, audio, video, picture, graphic, composite, component',
      'item.firstcreated: not an RFC 3339 date-time',
    ]);
    assert.deepEqual(checkNinjs({ uri: 'http://x.test/1', headlines: [{ role: 'main' }], associations: [{ uri: 'http://x.test/i', version: 2 }] }), [
      'item.headlines[0].value: required',
      'item.associations[0].name: missing or not a string',
      'item.associations[0].version: not a string',
    ]);
  });

  test('the public gets a 403 that says why, for every feed kind, known or not, and nothing of the feed', async () => {
    const titles = (await asPartner(fullKey, '/feeds/all.ninjs').expect(200)).body.items.map((i: NinjsItem) => i.headlines[0]!.value) as string[];
    for (const url of [...feedPaths.map(ninjsUrl), '/feeds/categories/no-such-thing.ninjs']) {
      const res = await request(app).get(url).expect(403);
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
      assert.match(res.text, /partners/);
      assert.match(String(res.headers.vary), /Authorization/);
      for (const title of titles) assert.ok(!res.text.includes(title), `${url} shows ${title}`);
    }
    // A partner's page already in the render cache does not change that.
    await asPartner(fullKey, '/feeds/all.ninjs?limit=3').expect(200);
    await request(app).get('/feeds/all.ninjs?limit=3').expect(403);
    await request(app).head('/feeds/all.ninjs').expect(403);
  });

  test('a partner without full text gets the summary as a description and no body', async () => {
    const summary = (await asPartner(summaryKey, '/feeds/all.ninjs').expect(200)).body as NinjsPage;
    const full = (await asPartner(fullKey, '/feeds/all.ninjs').expect(200)).body as NinjsPage;
    assert.equal(summary.items.length, full.items.length);
    for (const item of summary.items) {
      assert.equal(item.bodies, undefined, item.uri);
      assert.equal(item.representationtype, 'partial');
      assert.equal(item.descriptions?.[0]?.role, 'summary');
      // The site's rights, not the article's: those go with the full text.
      assert.equal(item.copyrightnotice, '© Test Desk');
    }
    const summaryText = JSON.stringify(summary);
    for (const item of full.items) {
      assert.equal(item.representationtype, 'full');
      const body = item.bodies?.[0];
      assert.equal(body?.contenttype, 'text/html');
      assert.ok(body && body.value.length > (item.descriptions?.[0]?.value.length ?? 0), item.uri);
      assert.ok(!summaryText.includes(body.value.slice(0, 200)), `full text of ${item.uri} in the summary tier`);
      assert.equal(item.copyrightnotice, '© 2026 The Demo Desk');
    }
  });

  test('an item carries its categories and tags as subjects, its image as an association, and its page as a rendition', async () => {
    const page = (await asPartner(fullKey, '/feeds/tags/port-elling.ninjs').expect(200)).body as NinjsPage;
    const item = page.items.find((i) => i.associations?.some((a) => a.name === 'image'));
    assert.ok(item, 'an item with an image');
    assert.match(item.uri, /^http:\/\/feeds\.test\/articles\/\d+$/);
    assert.ok(item.subjects.some((s) => s.uri === 'http://feeds.test/tags/port-elling' && s.name === 'Port Elling'));
    assert.ok(item.subjects.some((s) => s.uri.startsWith('http://feeds.test/categories/') && s.literal === s.uri.split('/').at(-1)));
    const image = item.associations!.find((a) => a.name === 'image')!;
    assert.equal(image.type, 'picture');
    assert.match(image.renditions[0]!.href, /^https:\/\/demodesk\.example\/media\//);
    assert.ok(image.descriptions?.[0]?.value);
    assert.ok(image.by);
    assert.ok(item.associations!.some((a) => a.name.startsWith('related-') && a.type === 'text'));
    assert.match(item.renditions.find((r) => r.name === 'web')!.href, /^https:\/\/demodesk\.example\//);
  });

  test('pages link to older pages in ninjs, and a partner can follow them', async () => {
    const first = (await asPartner(fullKey, '/feeds/all.ninjs?limit=2').expect(200)).body as NinjsPage;
    assert.match(first.next ?? '', /^http:\/\/feeds\.test\/feeds\/all\.ninjs\?limit=2&cursor=/);
    const next = new URL(first.next!);
    const second = (await asPartner(fullKey, `${next.pathname}${next.search}`).expect(200)).body as NinjsPage;
    assert.ok(second.items.length > 0);
    assert.ok(second.items.every((i) => !first.items.some((f) => f.uri === i.uri)));
  });

  test('ETag, 304 and gzip go the way of every feed; the key in the query works too', async () => {
    const res = await asPartner(fullKey, '/feeds/all.ninjs').set('Accept-Encoding', 'gzip').expect(200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(String(res.headers.vary), /Authorization/);
    assert.ok(res.headers['last-modified']);
    const etag = String(res.headers.etag);
    const again = await asPartner(fullKey, '/feeds/all.ninjs').set('Accept-Encoding', 'gzip').set('If-None-Match', etag).expect(304);
    assert.equal(again.text, '');
    assert.equal(again.headers['cache-control'], 'private, max-age=300');
    const byQuery = await request(app).get(`/feeds/all.ninjs?key=${fullKey}`).expect(200);
    assert.equal(byQuery.headers['cache-control'], 'private, max-age=300');
    assert.ok(byQuery.body.items.length > 0);
  });

  test('a partner asking for a format that does not exist is told about .ninjs', async () => {
    const res = await asPartner(fullKey, '/feeds/all.xml').expect(404);
    assert.match(res.text, /\.ninjs/);
    const pub = await request(app).get('/feeds/all.xml').expect(404);
    assert.doesNotMatch(pub.text, /ninjs/);
  });
});
