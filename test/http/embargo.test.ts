// Embargoes (issue 21): an article posted with `embargo_until` is in no
// public answer until then, on any route, and in all of them from then on,
// published at its embargo time; a partner permitted to see embargoed
// articles gets it before, marked with the time, in every format. The
// clock is node:test's mock, set one second either side of the lift with
// no write in between, so the render cache must expire at the lift by itself.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { createPartner } from '../../src/store/partners.js';
import { queueEmbargoLifts } from '../../src/store/changed-keys.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';
import { checkNinjs } from '../publish/ninjs-check.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
// Ahead of the real clock: the lift bookkeeping (embargo_lifts) starts at the migration's real time.
const T0 = Math.ceil(Date.now() / 60_000) * 60_000 + 86_400_000;
const LIFT = T0 + 3_600_000;
const WORD = 'Zebrafund';
const E_URL = 'https://desk.example/zebrafund-results';
const NAMESPACE = 'https://wirefeed.dev/ns/1.0';
/** What would give the article away: its title, its URL, its tag's pages and feeds. */
const TELLS = [`${WORD} quarterly`, E_URL, 'tags/zebrafund'];

/** Every public answer that could show the embargoed article: what it is and the path. */
function publicRoutes(id: number, otherId: number): [string, string, Record<string, string>?][] {
  const html = { Accept: 'text/html' };
  const routes: [string, string, Record<string, string>?][] = [];
  for (const format of ['rss', 'atom', 'json']) {
    routes.push([`all ${format}`, `/feeds/all.${format}`]);
    routes.push([`category ${format}`, `/feeds/categories/transport.${format}`]);
    routes.push([`source ${format}`, `/feeds/sources/admin.${format}`]);
    routes.push([`search ${format}`, `/feeds/search.${format}?q=${WORD.toLowerCase()}`]);
  }
  routes.push(['front page', '/', html]);
  routes.push(['category page', '/categories/transport', html]);
  routes.push(['source page', '/sources/admin', html]);
  routes.push(['search page', `/search?q=${WORD.toLowerCase()}`, html]);
  routes.push(['feed preview', '/feeds/all.rss', html]);
  routes.push(['tag listing', '/tags']);
  routes.push(['OPML', '/opml']);
  routes.push(['related list of another article', `/articles/${otherId}.json`]);
  routes.push(['page of another article', `/articles/${otherId}`, html]);
  routes.push(['article JSON', `/articles/${id}.json`]);
  routes.push(['article page', `/articles/${id}`, html]);
  routes.push(['tag feed', '/feeds/tags/zebrafund.rss']);
  routes.push(['tag page', '/tags/zebrafund', html]);
  return routes;
}

describe('embargoes', () => {
  let ctx: TestContext;
  let app: App;
  let early: string;
  let plain: string;
  let embargoed: number;
  let other: number;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const get = (path: string, headers: Record<string, string> = {}) => request(app).get(path).set(headers);

  before(async () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    ctx = testContext(configWithSources('  []', '', false), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
    early = createPartner(ctx.db, 'Early Desk', { fullText: true, categories: [], embargoed: true }).key;
    plain = createPartner(ctx.db, 'Plain Desk', { fullText: true, categories: [] }).key;
    const posted = await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({
        title: `${WORD} quarterly results beat forecasts`,
        summary: `The ${WORD} results, held until the market opens.`,
        content_html: `<p>Full ${WORD} body.</p>`,
        url: E_URL,
        categories: ['transport'],
        tags: [WORD],
        embargo_until: new Date(LIFT).toISOString().replace('Z', '+00:00'),
      })
      .expect(201);
    embargoed = Number(String(posted.body.id).split('/').pop());
    assert.equal(posted.body.embargo_until, new Date(LIFT).toISOString(), 'the admin sees the embargo');
    assert.equal(posted.body.published, new Date(LIFT).toISOString(), 'published at its embargo time');
    mock.timers.setTime(T0 + 60_000);
    // A public story that links to it: its related list must not name it early.
    const linked = await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({ title: 'Harbour cranes return', summary: 'Cranes.', url: 'https://desk.example/cranes', categories: ['climate'], related: [{ url: E_URL }] })
      .expect(201);
    other = Number(String(linked.body.id).split('/').pop());
    // Warm every cache while it is held: the lift must not depend on a write.
    for (const [, path, headers] of publicRoutes(embargoed, other)) await get(path, headers);
  });

  after(() => {
    mock.timers.reset();
    ctx.close();
  });

  test('one second before the lift, no public answer shows it, on any route', async () => {
    mock.timers.setTime(LIFT - 1_000);
    for (const [what, path, headers] of publicRoutes(embargoed, other)) {
      const res = await get(path, headers);
      const body = res.text ?? '';
      // (Search answers echo the query, so the word itself may be there.)
      for (const sign of TELLS) assert.ok(!body.includes(sign), `${what} (${path}) shows "${sign}": ${res.status}`);
      assert.ok(!body.includes(`/articles/${embargoed}"`) && !body.includes(`/articles/${embargoed}<`), `${what} (${path}) links its page`);
    }
    await get(`/articles/${embargoed}.json`).expect(404);
    await get('/feeds/tags/zebrafund.rss').expect(404);
    // A reader's cache may keep the answer only until the lift, not max-age past it.
    assert.match(String((await get('/feeds/all.rss').expect(200)).headers['cache-control']), /^public, max-age=1,/);
    assert.match(String((await get('/', { Accept: 'text/html' }).expect(200)).headers['cache-control']), /^public, max-age=1,/);
    const sources = (await get('/sources').expect(200)).body as { slug: string; articles: number }[];
    assert.equal(sources.find((s) => s.slug === 'admin')?.articles, 1, 'the source counts only what is out');
    // A partner without the permission is the public here.
    const partnerFeed = await get('/feeds/all.json', as(plain)).expect(200);
    assert.ok(!partnerFeed.text.includes(WORD));
    assert.equal(queueEmbargoLifts(ctx.db, Date.now()), 0, 'nothing lifted yet');
  });

  test('a permitted partner gets it early in every format, marked with the lift time', async () => {
    mock.timers.setTime(LIFT - 1_000);
    const until = new Date(LIFT).toISOString();
    const rss = (await get('/feeds/all.rss', as(early)).expect(200)).text;
    assert.match(rss, new RegExp(`xmlns:wirefeed="${NAMESPACE}"`));
    assert.match(rss, new RegExp(`<wirefeed:embargo until="${until}"/>`));
    assert.ok(rss.includes(WORD));
    const atom = (await get('/feeds/categories/transport.atom', as(early)).expect(200)).text;
    assert.match(atom, new RegExp(`xmlns:wirefeed="${NAMESPACE}"`));
    assert.match(atom, new RegExp(`<wirefeed:embargo until="${until}"/>`));
    const json = (await get('/feeds/tags/zebrafund.json', as(early)).expect(200)).body as {
      items: { title: string; date_published: string; _wirefeed: { embargo?: { until: string } } }[];
    };
    assert.equal(json.items.length, 1);
    assert.deepEqual(json.items[0]!._wirefeed.embargo, { until });
    assert.equal(json.items[0]!.date_published, until);
    const ninjs = (await get('/feeds/all.ninjs', as(early)).expect(200)).body as { items: Record<string, unknown>[] };
    const item = ninjs.items.find((i) => String(i.headlines && JSON.stringify(i.headlines)).includes(WORD));
    assert.ok(item);
    assert.equal(item.embargoed, until);
    assert.deepEqual(checkNinjs(item), []);
    // Its article JSON too, with the time.
    const one = (await get(`/articles/${embargoed}.json`, as(early)).expect(200)).body as { embargo_until?: string };
    assert.equal(one.embargo_until, until);
    // The public's cached answers were not handed to it, nor its to the public.
    assert.ok(!(await get('/feeds/all.rss').expect(200)).text.includes(WORD));
  });

  test('one second after the lift, every public answer shows it, dated at the lift, with no write in between', async () => {
    mock.timers.setTime(LIFT - 1_000);
    const held = await get('/feeds/all.rss').expect(200);
    mock.timers.setTime(LIFT + 1_000);
    for (const [what, path, headers] of publicRoutes(embargoed, other)) {
      const res = await get(path, headers);
      assert.equal(res.status, 200, `${what} (${path})`);
      assert.ok(TELLS.some((sign) => res.text.includes(sign)), `${what} (${path}) does not show it`);
    }
    // A reader revalidating the copy it had gets the new feed, not a 304.
    await get('/feeds/all.rss', { 'If-None-Match': String(held.headers.etag) }).expect(200);
    const json = (await get('/feeds/all.json').expect(200)).body as { items: { title: string; date_published: string; _wirefeed: Record<string, unknown> }[] };
    const item = json.items.find((i) => i.title.includes(WORD));
    assert.ok(item);
    assert.equal(item.date_published, new Date(LIFT).toISOString());
    assert.equal(item._wirefeed.embargo, undefined, 'no mark once it is out');
    const early_ = (await get('/feeds/all.rss', as(early)).expect(200)).text;
    assert.ok(early_.includes(WORD) && !early_.includes('wirefeed:embargo'), 'the permitted partner no longer sees a mark');
    // The writer's change loop queues the lists it joined: purged and pushed like any change.
    assert.equal(queueEmbargoLifts(ctx.db, Date.now()), 1);
    const keys = ctx.db.prepare('SELECT key FROM changed_keys').pluck().all() as string[];
    for (const key of ['all', `article/${embargoed}`, 'category/transport', 'tag/zebrafund']) assert.ok(keys.includes(key), key);
    assert.equal(queueEmbargoLifts(ctx.db, Date.now()), 0, 'a lift is queued once');
  });

  test('one killed while under embargo was never out: no tombstone, no 410, no tag feed for the public; the partner who got it early gets the kill', async () => {
    mock.timers.setTime(LIFT + 2_000);
    const posted = await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({ title: 'Secretdeal merger agreed', summary: 'Merger.', url: 'https://desk.example/merger', tags: ['Secretdeal'], embargo_until: new Date(LIFT + 60_000).toISOString() })
      .expect(201);
    const id = Number(String(posted.body.id).split('/').pop());
    await request(app).delete(`/admin/articles/${id}`).set(auth).send({ reason: 'Deal collapsed' }).expect(204);
    mock.timers.setTime(LIFT + 61_000);
    const atom = (await get('/feeds/all.atom').expect(200)).text;
    assert.ok(!atom.includes(`/articles/${id}`) && !atom.includes('Deal collapsed'), 'no tombstone for what the public never had');
    await get(`/articles/${id}.json`).expect(404);
    await get('/feeds/tags/secretdeal.atom').expect(404);
    const partnerRss = (await get('/feeds/all.rss', as(early)).expect(200)).text;
    assert.match(partnerRss, /<wirefeed:killed at="[^"]+" reason="Deal collapsed"\/>/);
    const plainRss = (await get('/feeds/all.rss', as(plain)).expect(200)).text;
    assert.ok(!plainRss.includes('Deal collapsed') && !plainRss.includes('Secretdeal'), 'nor to a partner who never had it');
    // Its history: gone for the partner who had it, never there for one who did not.
    await get(`/articles/${id}/versions.json`, as(early)).expect(410);
    const never = await get(`/articles/${id}/versions.json`, as(plain)).expect(404);
    assert.ok(!never.text.includes('withdrawn'), never.text);
  });
});
