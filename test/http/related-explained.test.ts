// Every related link says why it is listed (issue 18): the JSON Feed gives
// its kind as `why` and relate's score, /articles/{id} the evidence too; and
// editors pin or remove relations through the admin API, both ways, so that
// it sticks whatever relate computes afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp, type App } from '../../src/http/app.js';
import { withdrawArticle } from '../../src/ingest/publish-article.js';
import { relateArticle } from '../../src/ingest/relate/relate.js';
import { runIngest } from '../../src/ingest/run.js';
import { isRelationRemoved } from '../../src/store/articles/related-edits.js';
import { replaceRelated } from '../../src/store/articles/related.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const base = 'http://feeds.test';

function rss(title: string, items: { slug: string; host: string; title: string; day: number; hour: number; summary: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>${title}</title><link>https://${items[0]?.host}/</link><description>d</description>
${items
  .map(
    (i) => `<item><title>${i.title}</title><link>https://${i.host}/${i.slug}</link><guid>${i.slug}</guid>
<pubDate>${new Date(Date.UTC(2025, 10, i.day, i.hour)).toUTCString()}</pubDate><description>${i.summary}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

const gazette = rss('Harbour Gazette', [
  { slug: 'g1', host: 'gazette.example', title: 'Harbour council approves flood barrier budget', day: 10, hour: 8, summary: 'Councillors voted 7 to 2 for the barrier.' },
  { slug: 'g2', host: 'gazette.example', title: 'Contractor named for the harbour flood barrier', day: 12, hour: 9, summary: 'Saltreach will build it.' },
  { slug: 'g3', host: 'gazette.example', title: 'Winter ferry timetable published', day: 13, hour: 9, summary: 'Fewer sailings from December.' },
  { slug: 'g4', host: 'gazette.example', title: 'Work begins on the harbour flood barrier', day: 15, hour: 9, summary: 'Piling started on Monday.' },
]);
const courier = rss('Port Courier', [
  { slug: 'c1', host: 'courier.example', title: 'Harbour council approves flood barrier budget', day: 10, hour: 10, summary: 'Councillors voted 7 to 2 for the barrier.' },
]);

interface FeedRelated {
  id?: string;
  url: string;
  kind: string;
  why: string;
  score: number | null;
  pinned?: true;
}
interface ArticleRelated {
  id: string | null;
  url: string;
  kind: string;
  why: string;
  score: number | null;
  evidence: Record<string, unknown> | null;
  pinned: boolean;
}

const evidence = { similarity: 0.42, shared_entities: ['Marisol Okafor', 'Saltreach'], shared_numbers: ['42%'], hours_apart: 5.5 };

describe('related stories explained, and edited by editors', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;
  const id: Record<string, number> = {};
  const url = (slug: string) => `https://${slug.startsWith('c') ? 'courier' : 'gazette'}.example/${slug}`;

  const related = async (slug: string): Promise<ArticleRelated[]> => (await request(app).get(`/articles/${id[slug]}.json`).expect(200)).body.related;
  const feedItem = async (path: string, slug: string) => {
    const res = await request(app).get(path).expect(200);
    return (res.body.items as { url: string; _wirefeed: { related: FeedRelated[] } }[]).find((i) => i.url === url(slug));
  };
  const storyOf = (slug: string) => ctx.db.prepare('SELECT story_id FROM articles WHERE id = ?').pluck().get(id[slug]);
  const relateAgain = (...slugs: string[]) =>
    ctx.db.transaction(() => slugs.forEach((s) => relateArticle(ctx.db, id[s]!))).immediate();

  before(async () => {
    server = await serveFixtures({ '/gazette.xml': { body: gazette }, '/courier.xml': { body: courier } });
    ctx = testContext(
      configWithSources(
        `  - { slug: gazette, name: Harbour Gazette, url: "${server.url}/gazette.xml" }\n  - { slug: courier, name: Port Courier, url: "${server.url}/courier.xml" }`,
      ),
      { WIREFEED_ADMIN_TOKEN: token },
    );
    for (const r of await runIngest(ctx, listSources(ctx.db))) assert.equal(r.status, 'ok', r.error);
    for (const slug of ['g1', 'g2', 'g3', 'g4', 'c1']) id[slug] = ctx.db.prepare('SELECT id FROM articles WHERE url = ?').pluck().get(url(slug)) as number;
    // What relate stores for the thread (its algorithm is not under test here): g1's later stories, g2's earlier one.
    ctx.db
      .transaction(() => {
        replaceRelated(ctx.db, id.g1!, 'follow-up', [
          { url: url('g2'), title: 'Contractor named for the harbour flood barrier', score: 0.71234, evidence },
          { url: url('g4'), title: 'Work begins on the harbour flood barrier', score: 0.5, evidence: { similarity: 0.3 } },
        ]);
        replaceRelated(ctx.db, id.g2!, 'computed', [{ url: url('g1'), title: 'Harbour council approves flood barrier budget', score: 0.61234, evidence }]);
      })
      .immediate();
    app = createApp(ctx);
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('the same story from two sources is one story, shown once in /feeds/all', async () => {
    assert.equal(storyOf('c1'), id.g1, 'relate joined the two versions');
    const all = await request(app).get('/feeds/all.json').expect(200);
    const urls = all.body.items.map((i: { url: string }) => i.url);
    assert.ok(urls.includes(url('g1')) && !urls.includes(url('c1')));
  });

  test("JSON Feed entries carry why and a score; follow-ups come after the article's own links, newest first", async () => {
    const item = await feedItem('/feeds/sources/gazette.json', 'g1');
    assert.deepEqual(
      item?._wirefeed.related.map((r) => [r.url, r.kind, r.why, r.score]),
      [
        [url('c1'), 'same-story', 'same-story', 1],
        [url('g4'), 'follow-up', 'follow-up', 0.5],
        [url('g2'), 'follow-up', 'follow-up', 0.712],
      ],
    );
    const g2 = await feedItem('/feeds/sources/gazette.json', 'g2');
    assert.deepEqual(g2?._wirefeed.related.map((r) => [r.id, r.kind, r.why, r.score]), [[`${base}/articles/${id.g1}`, 'computed', 'computed', 0.612]]);
  });

  test('/articles/{id} shows each link with its kind, why in words, score and evidence as relate stored it', async () => {
    const [story, later, follow] = await related('g1');
    assert.deepEqual(later, {
      id: `${base}/articles/${id.g4}`,
      url: url('g4'),
      title: 'Work begins on the harbour flood barrier',
      kind: 'follow-up',
      why: 'a later story on the same subject',
      score: 0.5,
      evidence: { similarity: 0.3 },
      pinned: false,
    });
    assert.deepEqual(follow?.evidence, evidence);
    assert.equal(story?.why, 'the same story, from another source');
    const [earlier] = await related('g2');
    assert.deepEqual([earlier?.kind, earlier?.why, earlier?.score, earlier?.evidence], ['computed', 'on the same subject', 0.612, evidence]);
  });

  test('evidence that is not a JSON object is shown as none, and breaks nothing', async () => {
    for (const bad of ['{"similarity": 0.4', '[1, 2]', '"shared"', 'null', '']) {
      ctx.db.prepare('UPDATE related SET evidence = ? WHERE article_id = ? AND url = ?').run(bad, id.g1, url('g4'));
      const g4 = (await related('g1')).find((r) => r.url === url('g4'));
      assert.equal(g4?.evidence, null, bad);
      await request(app).get('/feeds/all.json').expect(200);
      await request(app).get('/feeds/sources/gazette.rss').expect(200);
    }
  });

  test('the admin API needs the token, answers 404 for an unknown article or target and 400 for an article and itself', async () => {
    await request(app).get(`/admin/articles/${id.g1}/related`).expect(401);
    await request(app).put(`/admin/articles/${id.g1}/related/${id.g2}`).expect(401);
    await request(app).delete(`/admin/articles/${id.g1}/related/${id.g2}`).expect(401);
    await request(app).delete(`/admin/articles/${id.g1}/related/${id.g2}/edit`).expect(401);
    await request(app).get('/admin/articles/999999/related').set(auth).expect(404);
    await request(app).get('/admin/articles/g1/related').set(auth).expect(404);
    const target = await request(app).put(`/admin/articles/${id.g1}/related/999999`).set(auth).expect(404);
    assert.equal(target.body.field, 'target');
    await request(app).put(`/admin/articles/999999/related/${id.g1}`).set(auth).expect(404);
    const self = await request(app).put(`/admin/articles/${id.g1}/related/${id.g1}`).set(auth).expect(400);
    assert.match(self.body.error, /itself/);
    await request(app).delete(`/admin/articles/${id.g1}/related/${id.g1}`).set(auth).expect(400);
    await request(app).delete(`/admin/articles/${id.g1}/related/${id.g3}/edit`).set(auth).expect(404);
  });

  test('a pin shows the target first among the explicit links, pinned, both ways, in every format; the feeds change', async () => {
    const before = await request(app).get('/feeds/all.json').expect(200);
    const pinned = await request(app).put(`/admin/articles/${id.g3}/related/${id.g2}`).set(auth).expect(201);
    assert.deepEqual(
      pinned.body.related.map((r: ArticleRelated) => [r.id, r.kind, r.why, r.pinned]),
      [[`${base}/articles/${id.g2}`, 'explicit', 'pinned by an editor', true]],
    );
    assert.deepEqual(
      pinned.body.edits.map((e: { target_id: number; action: string }) => [e.target_id, e.action]),
      [[id.g2, 'pin']],
    );
    await request(app).put(`/admin/articles/${id.g3}/related/${id.g2}`).set(auth).expect(200);

    const g3 = await feedItem('/feeds/sources/gazette.json', 'g3');
    assert.deepEqual(g3?._wirefeed.related, [
      { id: `${base}/articles/${id.g2}`, url: url('g2'), title: 'Contractor named for the harbour flood barrier', kind: 'explicit', why: 'explicit', score: null, pinned: true },
    ]);
    // Both ways: g2 lists g3 too, before its computed link.
    assert.deepEqual((await related('g2')).map((r) => [r.url, r.kind, r.pinned]), [
      [url('g3'), 'explicit', true],
      [url('g1'), 'computed', false],
    ]);
    for (const [path, link] of [
      ['/feeds/sources/gazette.rss', /<atom:link rel="related" href="https:\/\/gazette\.example\/g2"/],
      ['/feeds/sources/gazette.atom', /<link rel="related" href="https:\/\/gazette\.example\/g2"/],
    ] as const) {
      const body = (await request(app).get(path).expect(200)).text;
      const item = body.split(/<item>|<entry>/).find((chunk) => chunk.includes('https://gazette.example/g3'));
      assert.match(item ?? '', link, path);
    }

    const afterPin = await request(app).get('/feeds/all.json').set('If-None-Match', String(before.headers.etag)).expect(200);
    assert.notEqual(afterPin.headers.etag, before.headers.etag);
    assert.ok(Date.parse(String(afterPin.headers['last-modified'])) > Date.parse(String(before.headers['last-modified'])), 'Last-Modified moves with the edit');
  });

  test('pinning a story relate already lists shows it once, pinned, with its score and evidence', async () => {
    const res = await request(app).put(`/admin/articles/${id.g2}/related/${id.g1}`).set(auth).expect(201);
    const g1 = res.body.related.filter((r: ArticleRelated) => r.url === url('g1'));
    assert.deepEqual(g1.map((r: ArticleRelated) => [r.kind, r.pinned, r.score, r.evidence]), [['explicit', true, 0.612, evidence]]);
    assert.deepEqual(res.body.related.map((r: ArticleRelated) => r.url), [url('g3'), url('g1')], 'pins in the order they were made');
  });

  test('a removal hides the link both ways, and it stays hidden when relate runs again', async () => {
    const res = await request(app).delete(`/admin/articles/${id.g1}/related/${id.g4}`).set(auth).expect(200);
    assert.ok(!res.body.related.some((r: ArticleRelated) => r.url === url('g4')));
    assert.ok(!(await related('g4')).some((r) => r.url === url('g1')));
    assert.ok(isRelationRemoved(ctx.db, id.g1!, id.g4!) && isRelationRemoved(ctx.db, id.g4!, id.g1!));
    // relate recomputes, and stores the link again: still hidden.
    ctx.db
      .transaction(() => replaceRelated(ctx.db, id.g1!, 'follow-up', [{ url: url('g4'), title: 'Work begins', score: 0.9 }, { url: url('g2'), title: 'x', score: 0.7 }]))
      .immediate();
    relateAgain('g4', 'g1');
    assert.deepEqual((await related('g1')).map((r) => r.url).filter((u) => u === url('g4')), []);
    const item = await feedItem('/feeds/sources/gazette.json', 'g1');
    assert.ok(!item?._wirefeed.related.some((r) => r.url === url('g4')));
  });

  test('removing a same-story link splits the story: /feeds/all shows both versions', async () => {
    await request(app).delete(`/admin/articles/${id.c1}/related/${id.g1}`).set(auth).expect(200);
    assert.equal(storyOf('c1'), null);
    assert.equal(storyOf('g1'), null);
    assert.ok(!(await related('g1')).some((r) => r.url === url('c1')));
    assert.ok(!(await related('c1')).some((r) => r.url === url('g1')));
    const all = await request(app).get('/feeds/all.json').expect(200);
    const urls = all.body.items.map((i: { url: string }) => i.url);
    assert.ok(urls.includes(url('g1')) && urls.includes(url('c1')), 'both versions are items');
  });

  test('relate run again does not join a story an editor split', async () => {
    relateAgain('c1', 'g1');
    assert.equal(storyOf('c1'), null);
    const all = await request(app).get('/feeds/all.json').expect(200);
    assert.ok(all.body.items.some((i: { url: string }) => i.url === url('c1')));
  });

  test('the list with its edits; clearing an edit brings back what relate stores', async () => {
    const listed = await request(app).get(`/admin/articles/${id.g1}/related`).set(auth).expect(200);
    assert.equal(listed.body.article, `${base}/articles/${id.g1}`);
    assert.deepEqual(listed.body.edits.map((e: { target_id: number; action: string }) => [e.target_id, e.action]), [
      [id.g2, 'pin'],
      [id.g4, 'remove'],
      [id.c1, 'remove'],
    ]);
    const cleared = await request(app).delete(`/admin/articles/${id.g4}/related/${id.g1}/edit`).set(auth).expect(200);
    assert.deepEqual(cleared.body.article, `${base}/articles/${id.g4}`);
    assert.deepEqual(cleared.body.edits, [], 'both ways');
    assert.equal(isRelationRemoved(ctx.db, id.g1!, id.g4!), false);
    ctx.db.transaction(() => replaceRelated(ctx.db, id.g1!, 'follow-up', [{ url: url('g4'), title: 'Work begins', score: 0.9 }])).immediate();
    assert.ok((await related('g1')).some((r) => r.url === url('g4') && r.kind === 'follow-up'));
    await request(app).delete(`/admin/articles/${id.g4}/related/${id.g1}/edit`).set(auth).expect(404);
  });

  test('a withdrawn article is no target and has no relations to edit', async () => {
    withdrawArticle(ctx.db, id.g3!);
    assert.ok(!(await related('g2')).some((r) => r.url === url('g3')), 'the pinned, withdrawn target is gone');
    await request(app).get(`/admin/articles/${id.g3}/related`).set(auth).expect(404);
    await request(app).put(`/admin/articles/${id.g2}/related/${id.g3}`).set(auth).expect(404);
    await request(app).delete(`/admin/articles/${id.g3}/related/${id.g2}`).set(auth).expect(404);
  });
});
