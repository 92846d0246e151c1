// Kill notices (issue 21): a withdrawal may give a reason; the Atom
// tombstone carries it, and a partner's RSS and JSON Feed carry a notice
// with the guid or id the item had, for as long as the Atom feed carries
// the tombstone. The public RSS and JSON Feed only lose the item. Time is
// the mocked clock of node:test, so that the period can run out.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';
import { checkNinjs } from '../publish/ninjs-check.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0);
const WITHDRAWN = T0 + 2 * 3_600_000;
const REASON = 'Legal: names a minor & "must" not <run>';
const NAMESPACE = 'https://wirefeed.dev/ns/1.0';

interface JsonItem {
  id: string;
  url?: string;
  title: string;
  content_text?: string;
  content_html?: string;
  _wirefeed: { killed?: { at: string; reason: string | null } };
}

async function publish(app: App, title: string, slug: string): Promise<number> {
  const body = { title, summary: `${title}.`, url: `https://desk.example/${slug}`, categories: ['climate'] };
  const res = await request(app).post('/admin/articles').set(auth).send(body).expect(201);
  return Number(String(res.body.id).split('/').pop());
}

/** Each RSS item's guid, title and wirefeed:killed element (as written). */
function rssItems(rss: string) {
  return rss
    .split('<item>')
    .slice(1)
    .map((item) => ({
      guid: /<guid[^>]*>([^<]+)<\/guid>/.exec(item)?.[1],
      title: /<title><!\[CDATA\[(.*?)\]\]><\/title>/.exec(item)?.[1],
      killed: /<wirefeed:killed [^>]*\/>/.exec(item)?.[0],
      link: /<link>([^<]+)<\/link>/.exec(item)?.[1],
    }));
}

describe('kill notices for partners', () => {
  let ctx: TestContext;
  let app: App;
  let heron: number;
  let plain: number;
  let before_: { rss: ReturnType<typeof rssItems>; json: JsonItem[] };
  let climate: string;
  let transport: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  before(async () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
    climate = createPartner(ctx.db, 'Climate Weekly', { fullText: true, categories: ['climate'] }).key;
    transport = createPartner(ctx.db, 'Rail Review', { fullText: true, categories: ['transport'] }).key;
    await publish(app, 'Tide gauges replaced along the estuary', 'tide');
    mock.timers.setTime(T0 + 60_000);
    heron = await publish(app, 'Heron returns to the marsh', 'heron');
    plain = await publish(app, 'Marsh boardwalk reopens', 'boardwalk');
    before_ = {
      rss: rssItems((await request(app).get('/feeds/all.rss').set(as(climate)).expect(200)).text),
      json: ((await request(app).get('/feeds/all.json').set(as(climate)).expect(200)).body as { items: JsonItem[] }).items,
    };
    mock.timers.setTime(WITHDRAWN);
    await request(app).delete(`/admin/articles/${heron}`).set(auth).send({ reason: `  ${REASON}  ` }).expect(204);
    await request(app).delete(`/admin/articles/${plain}`).set(auth).expect(204);
  });

  after(() => {
    mock.timers.reset();
    ctx.close();
  });

  test('the reason is stored trimmed; a withdrawal without a body has none', () => {
    const reasons = ctx.db.prepare('SELECT id, withdrawn_reason FROM articles WHERE withdrawn_at IS NOT NULL ORDER BY id').raw().all();
    assert.deepEqual(reasons, [
      [heron, REASON],
      [plain, null],
    ]);
  });

  test('the Atom tombstone carries the reason as its comment (escaped), else the default', async () => {
    const atom = (await request(app).get('/feeds/all.atom').expect(200)).text;
    assert.match(atom, /<at:comment>Legal: names a minor &amp; "must" not &lt;run&gt;<\/at:comment>/);
    assert.match(atom, /<at:comment xml:lang="en">Withdrawn by the publisher<\/at:comment>/);
  });

  test('public RSS and JSON Feed carry no kill notice and no wirefeed namespace', async () => {
    const rss = (await request(app).get('/feeds/all.rss').expect(200)).text;
    const json = (await request(app).get('/feeds/all.json').expect(200)).body as { items: JsonItem[] };
    assert.ok(!rss.includes('wirefeed:') && !rss.includes('Withdrawn'));
    assert.deepEqual(rssItems(rss).map((i) => i.title), ['Tide gauges replaced along the estuary']);
    assert.deepEqual(json.items.map((i) => i.url), ['https://desk.example/tide']);
  });

  test('a partner\'s RSS has a kill item with the guid the item had, a neutral title and wirefeed:killed', async () => {
    const rss = (await request(app).get('/feeds/all.rss').set(as(climate)).expect(200)).text;
    const guidOf = (title: string) => before_.rss.find((i) => i.title === title)?.guid;
    assert.ok(guidOf('Heron returns to the marsh'));
    assert.match(rss, new RegExp(`<rss [^>]*xmlns:wirefeed="${NAMESPACE}"`));
    const items = rssItems(rss);
    assert.deepEqual(
      items.map((i) => [i.guid, i.title]),
      [
        [guidOf('Marsh boardwalk reopens'), 'Withdrawn: Marsh boardwalk reopens'],
        [guidOf('Heron returns to the marsh'), 'Withdrawn: Heron returns to the marsh'],
        [guidOf('Tide gauges replaced along the estuary'), 'Tide gauges replaced along the estuary'],
      ],
    );
    const at = new Date(WITHDRAWN).toISOString();
    assert.equal(items[1]?.killed, `<wirefeed:killed at="${at}" reason="Legal: names a minor &amp; &quot;must&quot; not &lt;run&gt;"/>`);
    assert.equal(items[0]?.killed, `<wirefeed:killed at="${at}"/>`);
    // The link is the article's page, which answers 410 Gone.
    assert.equal(items[1]?.link, `http://feeds.test/articles/${heron}`);
    await request(app).get(`/articles/${heron}`).expect(410);
    assert.match(rss.split('<item>')[2] ?? '', new RegExp(`<pubDate>${new Date(WITHDRAWN).toUTCString()}</pubDate>`));
  });

  test('a partner\'s JSON Feed has a kill item with the id the item had, a short content_text and _wirefeed.killed', async () => {
    const json = (await request(app).get('/feeds/all.json').set(as(climate)).expect(200)).body as { items: JsonItem[] };
    const idOf = (title: string) => before_.json.find((i) => i.title === title)?.id;
    const [boardwalk, killed, tide] = json.items;
    assert.equal(json.items.length, 3);
    assert.ok(idOf('Heron returns to the marsh'));
    assert.equal(killed?.id, idOf('Heron returns to the marsh'));
    assert.equal(killed?.title, 'Withdrawn: Heron returns to the marsh');
    assert.equal(killed?.content_text, `This article was withdrawn by the publisher: ${REASON}`);
    assert.equal(killed?.content_html, undefined);
    assert.equal(killed?.url, undefined);
    assert.deepEqual(killed?._wirefeed, { killed: { at: new Date(WITHDRAWN).toISOString(), reason: REASON } });
    assert.equal(boardwalk?.id, idOf('Marsh boardwalk reopens'));
    assert.deepEqual(boardwalk?._wirefeed.killed?.reason, null);
    assert.equal(tide?._wirefeed.killed, undefined);
  });

  test('a partner\'s ninjs has the item with the same uri, pubstatus canceled, the withdrawal time and the reason', async () => {
    const uri = `http://feeds.test/articles/${heron}`;
    const items = ((await request(app).get('/feeds/all.ninjs').set(as(climate)).expect(200)).body as { items: Record<string, unknown>[] }).items;
    assert.deepEqual(items.flatMap((i) => checkNinjs(i)), []);
    const killed = items.find((i) => i.uri === uri);
    assert.equal(killed?.pubstatus, 'canceled');
    assert.equal(killed?.versioncreated, new Date(WITHDRAWN).toISOString());
    assert.deepEqual(killed?.descriptions, [{ role: 'kill-reason', contenttype: 'text/plain', value: REASON }]);
    assert.deepEqual(items.map((i) => i.pubstatus), ['canceled', 'canceled', 'usable']);
    const transportItems = ((await request(app).get('/feeds/all.ninjs').set(as(transport)).expect(200)).body as { items: unknown[] }).items;
    assert.deepEqual(transportItems, []);
  });

  test('a partner limited to another category gets no kill notice', async () => {
    const rss = (await request(app).get('/feeds/all.rss').set(as(transport)).expect(200)).text;
    const json = (await request(app).get('/feeds/all.json').set(as(transport)).expect(200)).body as { items: JsonItem[] };
    assert.ok(!rss.includes('wirefeed:killed'));
    assert.deepEqual(json.items, []);
  });

  test('after publish.tombstone_days the kill notices go with the tombstones', async () => {
    mock.timers.setTime(WITHDRAWN + 7 * DAY + 1000);
    const rss = (await request(app).get('/feeds/all.rss').set(as(climate)).expect(200)).text;
    const json = (await request(app).get('/feeds/all.json').set(as(climate)).expect(200)).body as { items: JsonItem[] };
    assert.ok(!rss.includes('wirefeed:'));
    assert.deepEqual(json.items.map((i) => i.title), ['Tide gauges replaced along the estuary']);
  });
});

describe('DELETE /admin/articles/{id} with a bad reason', () => {
  test('is a 400 naming the field, and nothing is withdrawn', async () => {
    const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const app = createApp(ctx);
      const id = await publish(app, 'Heron returns to the marsh', 'heron');
      for (const body of [{ reason: 42 }, { reason: 'x'.repeat(501) }, { reason: 'a\u0000b' }, { reason: 'ok', why: 'extra' }]) {
        const res = await request(app).delete(`/admin/articles/${id}`).set(auth).send(body).expect(400);
        assert.equal(res.body.field, 'why' in body ? 'why' : 'reason', JSON.stringify(body));
      }
      await request(app).delete(`/admin/articles/${id}`).set(auth).type('text/plain').send('because').expect(415);
      assert.equal(ctx.db.prepare('SELECT withdrawn_at FROM articles WHERE id = ?').pluck().get(id), null);
      await request(app).get(`/articles/${id}`).expect(200);
    } finally {
      ctx.close();
    }
  });
});
