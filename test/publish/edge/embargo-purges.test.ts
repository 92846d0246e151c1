// What the cache in front and the hub hear of an article under embargo
// (migration 028): nothing while it is held, whatever is done to it (stored,
// edited, its embargo moved, killed), since no public answer moved; its
// keys at the lift, or at once when the embargo is ended early. A purge
// while it is held would restart the `Age` of its category's and tags'
// feeds at the edge: an outsider could read from that that a story is
// being held there. On the real clock, through the admin API, with the
// writer's change loop stepped as it runs in serve.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../../src/http/app.js';
import { passOnce } from '../../../src/publish/push/changes.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext, until } from '../../helpers.js';

const token = 'edge-embargo-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };

describe('edge purges and hub announcements of an article under embargo', () => {
  let ctx: TestContext;
  let app: App;
  let catcher: FixtureServer;
  const purged: string[][] = [];
  /** Every key sent since `mark`. */
  const keysSince = (mark: number) => purged.slice(mark).flat();
  /** Steps the change loop until nothing is pending: what serve's writer does every 100 ms. */
  const drain = async () => {
    while (await passOnce(ctx));
  };

  before(async () => {
    const record = (req: IncomingMessage, res: ServerResponse) => {
      purged.push(String(req.headers['surrogate-key'] ?? '').split(' ').filter(Boolean));
      res.writeHead(200).end();
    };
    catcher = await serveFixtures({ '/': record });
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\nedge:\n  purgers:\n    - url: ${catcher.url}/\n`, false));
    app = createApp(ctx);
    // What opening the database and a first public story queue, out of the way.
    await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({ title: 'Harbour cranes return', summary: 'Cranes.', url: 'https://desk.example/cranes', categories: ['transport'], tags: ['Harbour'] })
      .expect(201);
    await drain();
  });

  after(async () => {
    ctx.close();
    await catcher.close();
  });

  const held = { title: 'Zebrafund results', summary: 'Results.', url: 'https://desk.example/zebrafund', categories: ['transport'], tags: ['Zebrafund', 'Harbour'] };

  test('stored, edited, moved and killed while held: nothing is purged or announced', async () => {
    const mark = purged.length;
    const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
    const posted = await request(app).post('/admin/articles').set(auth).send({ ...held, embargo_until: inAnHour() }).expect(201);
    const path = new URL(posted.headers.location!).pathname;
    await request(app).put(`/admin${path}`).set(auth).send({ ...held, title: 'Zebrafund results beat forecasts' }).expect(200);
    await request(app).put(`/admin${path}`).set(auth).send({ ...held, embargo_until: new Date(Date.now() + 7_200_000).toISOString() }).expect(200);
    const other = await request(app)
      .post('/admin/articles')
      .set(auth)
      .send({ ...held, title: 'Secretdeal agreed', url: 'https://desk.example/secretdeal', embargo_until: inAnHour() })
      .expect(201);
    await request(app).delete(`/admin${new URL(other.headers.location!).pathname}`).set(auth).send({ reason: 'Collapsed' }).expect(204);
    await drain();
    assert.deepEqual(keysSince(mark), [], 'no purge while the stories are held');
    assert.equal(ctx.db.prepare('SELECT count(*) FROM changed_keys').pluck().get(), 0, 'nothing queued for the hub either');
  });

  test('ended early: purged at once, with every list it joined', async () => {
    const id = ctx.db.prepare("SELECT id FROM articles WHERE url = 'https://desk.example/zebrafund'").pluck().get() as number;
    const mark = purged.length;
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...held, title: 'Zebrafund results beat forecasts', embargo_until: null }).expect(200);
    await drain();
    await until(() => purged.length > mark, 'the purge');
    const keys = keysSince(mark);
    for (const key of ['all', `article/${id}`, 'category/transport', 'tag/zebrafund', 'tag/harbour']) assert.ok(keys.includes(key), `${key} in ${keys.join(' ')}`);
    const feed = await request(app).get('/feeds/tags/zebrafund.rss').expect(200);
    assert.ok(feed.text.includes('Zebrafund results beat forecasts'));
  });

  test('a public article changed: purged as before', async () => {
    const mark = purged.length;
    const id = ctx.db.prepare("SELECT id FROM articles WHERE url = 'https://desk.example/cranes'").pluck().get() as number;
    await request(app)
      .put(`/admin/articles/${id}`)
      .set(auth)
      .send({ title: 'Harbour cranes return to work', summary: 'Cranes.', url: 'https://desk.example/cranes', categories: ['transport'], tags: ['Harbour'] })
      .expect(200);
    await drain();
    const keys = keysSince(mark);
    for (const key of ['all', `article/${id}`, 'category/transport', 'tag/harbour']) assert.ok(keys.includes(key), `${key} in ${keys.join(' ')}`);
  });
});
