// Correction notices (issue 21): an article whose title, summary or body
// changes keeps its earlier version (migration 024), and for
// publish.tombstone_days a partner's RSS, Atom, JSON Feed and ninjs mark
// the item with what changed and when; the public feeds do not change. The
// earlier versions are at /articles/{id}/versions.json for partners (bodies
// by tier) and /admin/articles/{id}/versions. Time is node:test's mocked
// clock where the period must run out; the upstream case runs on real time.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import {
  configWithSources,
  type FixtureServer,
  readWithFeedParser,
  readWithRssParser,
  serveFixtures,
  type TestContext,
  testContext,
} from '../helpers.js';
import { checkNinjs } from '../publish/ninjs-check.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const as = (key: string) => ({ Authorization: `Bearer ${key}` });
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0);
const CORRECTED = T0 + 3 * 3_600_000;
const NAMESPACE = 'https://wirefeed.dev/ns/1.0';

const first = {
  title: 'Ferry fares rise 4% & more',
  summary: 'From January.',
  content_html: '<p>Fares on every route rise by four per cent, the operator said.</p>',
  url: 'https://desk.example/fares',
  categories: ['transport'],
};
const fixed = { ...first, title: 'Ferry fares rise 3% & more', content_html: '<p>Fares rise by three per cent. An earlier version said four.</p>' };
const OLD_BODY = 'by four per cent';

interface JsonItem {
  url: string;
  title: string;
  _wirefeed: { correction?: Record<string, unknown> };
}

/** The RSS item or Atom entry of `url` (as written), found by its link. */
function itemOf(xml: string, url: string): string {
  const parts = xml.includes('<entry') ? xml.split('<entry').slice(1) : xml.split('<item>').slice(1);
  return parts.find((p) => p.includes(`<link>${url}</link>`) || p.includes(`href="${url}"`)) ?? '';
}

describe('correction notices for partners, after an admin PUT', () => {
  let ctx: TestContext;
  let app: App;
  let id: number;
  let full: string;
  let summaryOnly: string;
  let publicBefore: Record<string, string>;
  const feeds = ['/feeds/all', '/feeds/categories/transport', '/feeds/sources/admin'];

  before(async () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    // Full text is not public here: partners' tiers decide.
    ctx = testContext(configWithSources('  []', '', false), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
    full = createPartner(ctx.db, 'Coast Weekly', { fullText: true, categories: [] }).key;
    summaryOnly = createPartner(ctx.db, 'Headline Service', { fullText: false, categories: [] }).key;
    id = Number(String((await request(app).post('/admin/articles').set(auth).send(first).expect(201)).body.id).split('/').pop());
    await request(app).post('/admin/articles').set(auth).send({ title: 'Pier repairs finish', summary: 'On time.', url: 'https://desk.example/pier', categories: ['transport'] }).expect(201);
    mock.timers.setTime(CORRECTED - 60_000);
    // What the public saw before, rendered now (the same clock), to compare with after.
    publicBefore = Object.fromEntries(
      await Promise.all(feeds.flatMap((f) => ['rss', 'atom', 'json'].map(async (x) => [`${f}.${x}`, (await request(app).get(`${f}.${x}`).expect(200)).text]))),
    );
    mock.timers.setTime(CORRECTED);
    await request(app).put(`/admin/articles/${id}`).set(auth).send(fixed).expect(200);
  });

  after(() => {
    mock.timers.reset();
    ctx.close();
  });

  test('the earlier version is stored once, with when it was replaced and what changed', () => {
    const rows = ctx.db.prepare('SELECT article_id, version, title, replaced_at, changed FROM article_versions').raw().all();
    assert.deepEqual(rows, [[id, 1, first.title, CORRECTED, 'title body']]);
  });

  test('a partner\'s RSS marks the item with wirefeed:corrected: when, the version, what changed and the previous title', async () => {
    const rss = (await request(app).get('/feeds/all.rss').set(as(full)).expect(200)).text;
    assert.match(rss, new RegExp(`<rss [^>]*xmlns:wirefeed="${NAMESPACE}"`));
    const item = itemOf(rss, fixed.url);
    const at = new Date(CORRECTED).toISOString();
    assert.match(item, new RegExp(`<wirefeed:corrected at="${at}" version="2" changed="title body">\\s*<wirefeed:previousTitle>Ferry fares rise 4% &amp; more</wirefeed:previousTitle>\\s*</wirefeed:corrected>`));
    assert.ok(!item.includes('previousSummary'), 'the summary did not change');
    assert.ok(!itemOf(rss, 'https://desk.example/pier').includes('wirefeed:'), 'an item never corrected has no notice');
    // Consumers still read the item as it is now, not the previous title.
    const parsed = await readWithRssParser(rss);
    assert.deepEqual(parsed.items.map((i) => i.title).sort(), ['Ferry fares rise 3% & more', 'Pier repairs finish']);
    const rowan = readWithFeedParser(rss);
    assert.deepEqual(rowan.items.map((i) => i.title).sort(), ['Ferry fares rise 3% & more', 'Pier repairs finish']);
  });

  test('a partner\'s Atom carries the same element, its namespace declared on <feed>', async () => {
    for (const feed of feeds) {
      const atom = (await request(app).get(`${feed}.atom`).set(as(full)).expect(200)).text;
      assert.match(atom, new RegExp(`<feed [^>]*xmlns:wirefeed="${NAMESPACE}"`), feed);
      assert.match(itemOf(atom, fixed.url), /<wirefeed:corrected at="[^"]+" version="2" changed="title body">/, feed);
    }
  });

  test('a partner\'s JSON Feed has _wirefeed.correction with at, version, changed and the previous title', async () => {
    const json = (await request(app).get('/feeds/all.json').set(as(summaryOnly)).expect(200)).body as { items: JsonItem[] };
    const item = json.items.find((i) => i.url === fixed.url);
    assert.deepEqual(item?._wirefeed.correction, {
      at: new Date(CORRECTED).toISOString(),
      version: 2,
      changed: ['title', 'body'],
      previous_title: first.title,
      previous_summary: null,
    });
    assert.equal(json.items.find((i) => i.url === 'https://desk.example/pier')?._wirefeed.correction, undefined);
  });

  test('a partner\'s article JSON carries the same notice; the public\'s does not', async () => {
    const partner = (await request(app).get(`/articles/${id}.json`).set(as(summaryOnly)).expect(200)).body as Record<string, unknown>;
    assert.equal(partner.title, fixed.title);
    assert.deepEqual(partner.correction, { at: new Date(CORRECTED).toISOString(), version: 2, changed: ['title', 'body'], previous_title: first.title, previous_summary: null });
    const pier = await request(app).get('/feeds/all.json').set(as(full)).expect(200);
    const pierId = String((pier.body as { items: { id: string; url: string }[] }).items.find((i) => i.url === 'https://desk.example/pier')!.id).split('/').pop();
    assert.equal(((await request(app).get(`/articles/${pierId}.json`).set(as(full)).expect(200)).body as Record<string, unknown>).correction, undefined);
    const publicJson = await request(app).get(`/articles/${id}.json`).expect(200);
    assert.equal((publicJson.body as Record<string, unknown>).correction, undefined);
    assert.ok(!publicJson.text.includes(first.title), 'the public never sees the replaced title');
  });

  test('a partner\'s ninjs item stays valid, with a correction description and the previous headline', async () => {
    const page = (await request(app).get('/feeds/all.ninjs').set(as(full)).expect(200)).body as { items: Record<string, unknown>[] };
    assert.deepEqual(page.items.flatMap((i) => checkNinjs(i)), []);
    const item = page.items.find((i) => i.uri === `http://feeds.test/articles/${id}`);
    assert.deepEqual(item?.headlines, [
      { role: 'main', value: fixed.title },
      { role: 'previous', value: first.title },
    ]);
    assert.deepEqual(item?.descriptions, [
      { role: 'summary', contenttype: 'text/plain', value: first.summary },
      { role: 'correction', contenttype: 'text/plain', value: `Corrected ${new Date(CORRECTED).toISOString()}: title, body.` },
    ]);
    assert.equal(item?.versioncreated, new Date(CORRECTED).toISOString());
  });

  test('the public feeds carry no notice: only the item itself changed', async () => {
    for (const feed of feeds) {
      for (const format of ['rss', 'atom', 'json']) {
        const now = (await request(app).get(`${feed}.${format}`).expect(200)).text;
        assert.ok(!now.includes('wirefeed:') && !now.includes(NAMESPACE) && !now.includes('correction') && !now.includes('4%'), `${feed}.${format}`);
        // Beside the corrected item and the feed's dates, nothing moved.
        const strip = (text: string) => text.replace(/Ferry fares rise [34]%/g, 'TITLE').replace(/20\d\d-[\d-]+T[\d:.]+Z|\w{3}, \d\d \w{3} \d{4} [\d:]+ GMT/g, 'DATE');
        const lines = (text: string) => strip(text).split('\n').filter((l) => !/<atom:updated>|"date_modified"|<updated>/.test(l));
        assert.deepEqual(lines(now), lines(publicBefore[`${feed}.${format}`]!), `${feed}.${format}`);
      }
    }
  });

  test('no feed carries a previous body, and a summary-tier partner gets none anywhere', async () => {
    for (const key of [full, summaryOnly]) {
      for (const format of ['rss', 'atom', 'json', 'ninjs']) {
        const body = (await request(app).get(`/feeds/all.${format}`).set(as(key)).expect(200)).text;
        assert.ok(!body.includes(OLD_BODY), format);
      }
    }
    const versions = await request(app).get(`/articles/${id}/versions.json`).set(as(summaryOnly)).expect(200);
    assert.ok(!versions.text.includes(OLD_BODY) && !versions.text.includes('content_html'), versions.text);
    assert.deepEqual(versions.body.previous_versions[0].title, first.title);
  });

  test('a full-text partner gets the earlier versions with their bodies, privately', async () => {
    const res = await request(app).get(`/articles/${id}/versions.json`).set(as(full)).expect(200);
    assert.match(String(res.headers['cache-control']), /^private/);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.deepEqual(res.body, {
      id: `http://feeds.test/articles/${id}`,
      version: 2,
      previous_versions: [
        {
          version: 1,
          title: first.title,
          summary: first.summary,
          content_html: first.content_html,
          created_at: new Date(T0).toISOString(),
          replaced_at: new Date(CORRECTED).toISOString(),
          changed: ['title', 'body'],
        },
      ],
    });
  });

  test('the public gets a 403 for an article\'s versions, and nothing of them', async () => {
    const res = await request(app).get(`/articles/${id}/versions.json`).expect(403);
    assert.match(res.text, /partners/);
    assert.ok(!res.text.includes('4%'));
    await request(app).get('/articles/999/versions.json').set(as(full)).expect(404);
  });

  test('the admin API shows the versions with bodies, never cached', async () => {
    const res = await request(app).get(`/admin/articles/${id}/versions`).set(auth).expect(200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.previous_versions[0].content_html, first.content_html);
    await request(app).get(`/admin/articles/${id}/versions`).expect(401);
    await request(app).get('/admin/articles/999/versions').set(auth).expect(404);
  });

  test('a second correction is version 3 and its own notice; the history keeps both, the unchanged body once', async () => {
    mock.timers.setTime(CORRECTED + DAY);
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...fixed, summary: 'From 1 January.' }).expect(200);
    const json = (await request(app).get('/feeds/all.json').set(as(full)).expect(200)).body as { items: JsonItem[] };
    assert.deepEqual(json.items.find((i) => i.url === fixed.url)?._wirefeed.correction, {
      at: new Date(CORRECTED + DAY).toISOString(),
      version: 3,
      changed: ['summary'],
      previous_title: null,
      previous_summary: first.summary,
    });
    const rss = (await request(app).get('/feeds/all.rss').set(as(full)).expect(200)).text;
    assert.match(itemOf(rss, fixed.url), /changed="summary">\s*<wirefeed:previousSummary>From January\.<\/wirefeed:previousSummary>\s*<\/wirefeed:corrected>/);
    const history = (await request(app).get(`/articles/${id}/versions.json`).set(as(full)).expect(200)).body;
    assert.deepEqual(
      history.previous_versions.map((v: Record<string, unknown>) => [v.version, v.title, v.summary, v.content_html, v.created_at, v.changed]),
      [
        [2, fixed.title, first.summary, fixed.content_html, new Date(CORRECTED).toISOString(), ['summary']],
        [1, first.title, first.summary, first.content_html, new Date(T0).toISOString(), ['title', 'body']],
      ],
    );
    assert.equal(ctx.db.prepare('SELECT content_html FROM article_versions WHERE article_id = ? AND version = 2').pluck().get(id), null, 'an unchanged body is not stored again');
  });

  test('after publish.tombstone_days the notice leaves the partner feeds, cached or not; the history stays', async () => {
    const due = CORRECTED + DAY + 7 * DAY;
    mock.timers.setTime(due - 1000);
    assert.match((await request(app).get('/feeds/all.rss').set(as(full)).expect(200)).text, /wirefeed:corrected/);
    mock.timers.setTime(due + 1000);
    for (const format of ['rss', 'atom', 'json', 'ninjs']) {
      const body = (await request(app).get(`/feeds/all.${format}`).set(as(full)).expect(200)).text;
      assert.ok(!body.includes('wirefeed:corrected') && !body.includes('"correction"') && !body.includes('From January'), format);
    }
    assert.equal((await request(app).get(`/articles/${id}/versions.json`).set(as(full)).expect(200)).body.previous_versions.length, 2);
  });

  test('a withdrawn article\'s history is deleted and not served (410)', async () => {
    await request(app).delete(`/admin/articles/${id}`).set(auth).expect(204);
    await request(app).get(`/articles/${id}/versions.json`).set(as(full)).expect(410);
    await request(app).get(`/admin/articles/${id}/versions`).set(auth).expect(410);
    assert.equal(ctx.db.prepare('SELECT count(*) FROM article_versions WHERE article_id = ?').pluck().get(id), 0);
  });
});

describe('correction notices after an upstream changes an entry', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;
  let key: string;
  const published = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const entry = (title: string, summary: string, author: string, updated: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:wire</id><title>Wire</title><updated>${updated}</updated>
<entry><id>urn:wire:1</id><title>${title}</title><link href="https://wire.example/1"/><published>${published}</published>
<updated>${updated}</updated><author><name>${author}</name></author><summary>${summary}</summary>
<content type="html">&lt;p&gt;Services resume after the storm.&lt;/p&gt;</content></entry></feed>`;
  const ingest = async () => (await runIngest(ctx, listSources(ctx.db)))[0];
  const versions = () => ctx.db.prepare('SELECT version, title, summary, changed FROM article_versions').raw().all();
  const itemOf = async () => ((await request(app).get('/feeds/sources/wire.json').set(as(key)).expect(200)).body as { items: (JsonItem & { date_modified: string })[] }).items[0];

  before(async () => {
    server = await serveFixtures({ '/wire.atom': { body: entry('Rail line reopens Monday', 'Services resume.', 'A. Reporter', published), type: 'application/atom+xml' } });
    ctx = testContext(configWithSources(`  - { slug: wire, name: Wire, url: "${server.url}/wire.atom", categories: [transport] }`));
    app = createApp(ctx);
    key = createPartner(ctx.db, 'Coast Weekly', { fullText: true, categories: [] }).key;
    assert.equal((await ingest())?.itemsNew, 1);
  });

  after(async () => {
    await server.close();
    ctx.close();
  });

  test('the same entry again makes no version, nor does a change to other fields than title, summary and body', async () => {
    assert.equal((await ingest())?.itemsUpdated, 0);
    server.routes.set('/wire.atom', { body: entry('Rail line reopens Monday', 'Services resume.', 'B. Reporter', published), type: 'application/atom+xml' });
    assert.equal((await ingest())?.itemsUpdated, 1, 'the byline changed');
    assert.deepEqual(versions(), []);
    assert.equal((await itemOf())?._wirefeed.correction, undefined);
  });

  test('a changed summary is a correction, shown to partners with the previous summary, dated as the item', async () => {
    const before = (await itemOf())?.date_modified;
    const updated = new Date(Date.now() + 1000).toISOString();
    server.routes.set('/wire.atom', { body: entry('Rail line reopens Monday', 'Services resume at noon.', 'B. Reporter', updated), type: 'application/atom+xml' });
    assert.equal((await ingest())?.itemsUpdated, 1);
    assert.deepEqual(versions(), [[1, 'Rail line reopens Monday', 'Services resume.', 'summary']]);
    const item = await itemOf();
    // When it was corrected is what the item's own date_modified says, which moved.
    assert.ok(item && before && item.date_modified > before, `${before} → ${item?.date_modified}`);
    assert.deepEqual(item._wirefeed.correction, { at: item.date_modified, version: 2, changed: ['summary'], previous_title: null, previous_summary: 'Services resume.' });
    const rss = (await request(app).get('/feeds/sources/wire.rss').set(as(key)).expect(200)).text;
    assert.match(rss, /<wirefeed:corrected at="[^"]+" version="2" changed="summary">\s*<wirefeed:previousSummary>Services resume\.<\/wirefeed:previousSummary>/);
    const publicRss = (await request(app).get('/feeds/sources/wire.rss').expect(200)).text;
    assert.ok(!publicRss.includes('wirefeed:') && !publicRss.includes('Services resume.<'), 'the public feed shows the item as it is now, and no notice');
  });
});
