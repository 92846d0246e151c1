// A withdrawn article travels downstream: every Atom feed that listed it
// (everything, its source, its categories, its tags; a partner's too) names
// it in an RFC 6721 at:deleted-entry for `publish.tombstone_days`, and the
// feed's date, Last-Modified and ETag move with the withdrawal. Time is the
// mocked clock of node:test, so that the period can run out.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import request from 'supertest';
import { ConfigError } from '../../src/config/config.js';
import { type App, createApp } from '../../src/http/app.js';
import { reclassifyAll } from '../../src/ingest/reclassify.js';
import { feedPathsOfArticles } from '../../src/store/articles/feeds-of.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 9, 0);
const WITHDRAWN = T0 + 2 * 3_600_000;
const feeds = ['/feeds/all.atom', '/feeds/sources/admin.atom', '/feeds/categories/climate.atom', '/feeds/tags/heron.atom'];

function tombstoneConfig(publishYaml = '') {
  return configWithSources('  []').replace('publish:\n', `publish:\n${publishYaml}`);
}

/** The atom:id of each entry, and each tombstone's ref and when. */
function read(atom: string) {
  const ids = atom.split('<entry').slice(1).map((e) => /<id>([^<]+)<\/id>/.exec(e)?.[1]);
  const tombstones = [...atom.matchAll(/<at:deleted-entry ref="([^"]+)" when="([^"]+)">/g)].map((m) => ({ ref: m[1], when: m[2] }));
  const updated = /<updated>([^<]+)<\/updated>/.exec(atom.split('<entry')[0] ?? '')?.[1];
  return { ids, tombstones, updated };
}

async function publish(app: App, title: string, slug: string, extra: object = {}): Promise<number> {
  const body = { title, summary: `${title}.`, url: `https://desk.example/${slug}`, categories: ['climate'], ...extra };
  const res = await request(app).post('/admin/articles').set(auth).send(body).expect(201);
  return Number(String(res.body.id).split('/').pop());
}

describe('a withdrawn article leaves a tombstone in the Atom feeds that listed it', () => {
  let ctx: TestContext;
  let app: App;
  let heron: number;
  let heronEntryId: string | undefined;
  const seen = new Map<string, { etag: string; lastModified: string }>();

  before(async () => {
    mock.timers.enable({ apis: ['Date'], now: T0 });
    ctx = testContext(tombstoneConfig(), { WIREFEED_ADMIN_TOKEN: token });
    app = createApp(ctx);
    await publish(app, 'Tide gauges replaced along the estuary', 'tide');
    mock.timers.setTime(T0 + 60_000);
    heron = await publish(app, 'Heron returns to the marsh', 'heron', { tags: ['Heron'] });
    for (const path of feeds) {
      const res = await request(app).get(path).expect(200);
      const entry = res.text.split('<entry').find((e) => e.includes('href="https://desk.example/heron"'));
      heronEntryId = /<id>([^<]+)<\/id>/.exec(entry ?? '')?.[1];
      assert.ok(heronEntryId, `${path} lists the article`);
      seen.set(path, { etag: res.headers.etag!, lastModified: res.headers['last-modified']! });
    }
    mock.timers.setTime(WITHDRAWN);
    await request(app).delete(`/admin/articles/${heron}`).set(auth).expect(204);
  });

  after(() => {
    mock.timers.reset();
    ctx.close();
  });

  test('the entry is gone and an at:deleted-entry names its atom:id and the withdrawal time (RFC 3339)', async () => {
    for (const path of feeds) {
      const atom = (await request(app).get(path).expect(200)).text;
      const { ids, tombstones } = read(atom);
      assert.ok(!ids.includes(heronEntryId), path);
      assert.deepEqual(tombstones, [{ ref: heronEntryId, when: new Date(WITHDRAWN).toISOString() }], path);
      assert.match(atom, /<feed [^>]*xmlns:at="http:\/\/purl\.org\/atompub\/tombstones\/1\.0"/, path);
      assert.match(atom, /<at:comment xml:lang="en">Withdrawn by the publisher<\/at:comment>/);
    }
  });

  test('the feed is dated by the withdrawal, though its newest entry is older: updated, Last-Modified and ETag move', async () => {
    for (const path of ['/feeds/all.atom', '/feeds/categories/climate.atom']) {
      const res = await request(app).get(path).expect(200);
      assert.equal(read(res.text).updated, new Date(WITHDRAWN).toISOString(), path);
      assert.equal(res.headers['last-modified'], new Date(WITHDRAWN).toUTCString(), path);
      const before = seen.get(path)!;
      assert.notEqual(res.headers.etag, before.etag, path);
      await request(app).get(path).set('If-None-Match', before.etag).expect(200);
      await request(app).get(path).set('If-Modified-Since', before.lastModified).expect(200);
      await request(app).get(path).set('If-None-Match', res.headers.etag!).expect(304);
    }
    const rss = await request(app).get('/feeds/all.rss').expect(200);
    assert.equal(rss.headers['last-modified'], new Date(WITHDRAWN).toUTCString());
  });

  test('RSS, JSON Feed, search and later pages carry no tombstone', async () => {
    const rss = (await request(app).get('/feeds/all.rss').expect(200)).text;
    const json = (await request(app).get('/feeds/all.json').expect(200)).body as { items: { url: string }[] };
    assert.ok(!rss.includes('deleted-entry') && !rss.includes('https://desk.example/heron'));
    assert.deepEqual(json.items.map((i) => i.url), ['https://desk.example/tide']);
    const search = (await request(app).get('/feeds/search.atom?q=tide').expect(200)).text;
    assert.equal(read(search).ids.length, 1);
    assert.deepEqual(read(search).tombstones, []);
  });

  test('a partner\'s Atom feed carries it when the article was in the partner\'s categories', async () => {
    const climate = createPartner(ctx.db, 'Climate Weekly', { fullText: true, categories: ['climate'] }).key;
    const transport = createPartner(ctx.db, 'Rail Review', { fullText: true, categories: ['transport'] }).key;
    const tombstonesFor = async (key: string) => read((await request(app).get('/feeds/all.atom').set('Authorization', `Bearer ${key}`).expect(200)).text).tombstones;
    assert.deepEqual((await tombstonesFor(climate)).map((t) => t.ref), [heronEntryId]);
    assert.deepEqual(await tombstonesFor(transport), []);
  });

  test('where it was filed is kept: the hub is told of its category and tag feeds, and reclassify does not file it again', () => {
    assert.deepEqual(feedPathsOfArticles(ctx.db, [heron]).sort(), ['/feeds/all', '/feeds/categories/climate', '/feeds/sources/admin', '/feeds/tags/heron']);
    reclassifyAll(ctx);
    assert.equal(ctx.db.prepare('SELECT count(*) FROM article_categories WHERE article_id = ?').pluck().get(heron), 0);
  });

  test('after publish.tombstone_days the tombstone goes, without a content change, and the date stays', async () => {
    mock.timers.setTime(WITHDRAWN + 7 * DAY - 1000);
    const last = await request(app).get('/feeds/all.atom').expect(200);
    assert.equal(read(last.text).tombstones.length, 1);
    mock.timers.setTime(WITHDRAWN + 7 * DAY + 1000);
    for (const path of ['/feeds/all.atom', '/feeds/sources/admin.atom', '/feeds/categories/climate.atom']) {
      const res = await request(app).get(path).expect(200);
      assert.deepEqual(read(res.text).tombstones, [], path);
      assert.ok(!res.text.includes('xmlns:at='), path);
      assert.equal(res.headers['last-modified'], new Date(WITHDRAWN).toUTCString(), path);
    }
    const after = await request(app).get('/feeds/all.atom').set('If-None-Match', last.headers.etag!).expect(200);
    assert.notEqual(after.headers.etag, last.headers.etag);
    // A tag feed kept only for the tombstone goes with it.
    await request(app).get('/feeds/tags/heron.atom').expect(404);
  });
});

describe('publish.tombstone_days', () => {
  test('0 turns tombstones off; the feed is still dated by the withdrawal', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: T0 });
    const ctx = testContext(tombstoneConfig('  tombstone_days: 0\n'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const app = createApp(ctx);
      await publish(app, 'Tide gauges replaced along the estuary', 'tide');
      const heron = await publish(app, 'Heron returns to the marsh', 'heron', { tags: ['Heron'] });
      const before = await request(app).get('/feeds/all.atom').expect(200);
      t.mock.timers.setTime(WITHDRAWN);
      await request(app).delete(`/admin/articles/${heron}`).set(auth).expect(204);
      const res = await request(app).get('/feeds/all.atom').expect(200);
      assert.deepEqual(read(res.text).tombstones, []);
      assert.equal(read(res.text).ids.length, 1);
      assert.equal(res.headers['last-modified'], new Date(WITHDRAWN).toUTCString());
      assert.notEqual(res.headers.etag, before.headers.etag);
      await request(app).get('/feeds/tags/heron.atom').expect(404);
    } finally {
      ctx.close();
    }
  });

  test('a negative number of days is a configuration error', () => {
    assert.throws(() => testContext(tombstoneConfig('  tombstone_days: -1\n')), ConfigError);
  });
});
