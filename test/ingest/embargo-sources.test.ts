// Where embargoes come from (issue 21): an upstream marked embargo-aware
// dates an item in the future to hold it (any other source's future date is
// a wrong clock, dated now); Markdown front matter and the admin API set
// `embargo_until`, and can move it or end it early; an article already out
// is never held back again. Checked through the public feeds.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, testContext } from '../helpers.js';

const HOUR = 3_600_000;
const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };

function rss(items: { guid: string; title: string; date: Date }[]): string {
  const entries = items
    .map((i) => `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://wire.example/${i.guid}</link><pubDate>${i.date.toUTCString()}</pubDate><description>${i.title}.</description></item>`)
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>Wire</description>${entries}</channel></rss>`;
}

/** Titles and published times of a public JSON feed. */
async function publicItems(app: ReturnType<typeof createApp>, path: string): Promise<Map<string, string>> {
  const body = (await request(app).get(path).expect(200)).body as { items: { title: string; date_published: string }[] };
  return new Map(body.items.map((i) => [i.title, i.date_published]));
}

describe('where embargoes come from', () => {
  test('an embargo-aware upstream holds items it dates ahead; another source dates them now', async () => {
    const sources = [
      '  - { slug: agency, name: Agency, file: agency.rss, embargo_aware: true }',
      '  - { slug: blog, name: Blog, file: blog.rss }',
    ].join('\n');
    const ctx = testContext(configWithSources(sources), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const now = Date.now();
      const ahead = new Date(Math.ceil((now + 2 * HOUR) / 1000) * 1000);
      const wrongClock = new Date(now + 40 * 24 * HOUR);
      writeFileSync(
        join(ctx.dir, 'agency.rss'),
        rss([
          { guid: 'held', title: 'Agency results at noon', date: ahead },
          { guid: 'typo', title: 'Agency item with a wrong year', date: wrongClock },
        ]),
      );
      writeFileSync(join(ctx.dir, 'blog.rss'), rss([{ guid: 'early', title: 'Blog post dated ahead', date: ahead }]));
      const results = await runIngest(ctx, listSources(ctx.db));
      assert.ok(results.every((r) => !r.error), JSON.stringify(results));
      const app = createApp(ctx);
      const all = await publicItems(app, '/feeds/all.json');
      assert.ok(!all.has('Agency results at noon'), 'held until its date');
      assert.ok(all.has('Blog post dated ahead'), 'a source that is not embargo-aware is not held');
      assert.ok(Date.parse(all.get('Blog post dated ahead')!) <= Date.now(), '…and is dated when it was seen');
      assert.ok(all.has('Agency item with a wrong year'), 'a date 40 days ahead is no embargo');
      const row = ctx.db.prepare("SELECT published_at, embargo_until FROM articles WHERE guid = 'held'").get() as { published_at: number; embargo_until: number };
      assert.deepEqual(row, { published_at: ahead.getTime(), embargo_until: ahead.getTime() });
      // The source's settings say so through the admin API too.
      const listed = (await request(app).get('/admin/sources').set(auth).expect(200)).body as { slug: string; embargo_aware: boolean }[];
      assert.equal(listed.find((s) => s.slug === 'agency')?.embargo_aware, true);
      assert.equal(listed.find((s) => s.slug === 'blog')?.embargo_aware, false);
    } finally {
      ctx.close();
    }
  });

  test('Markdown front matter sets it, a bad time refuses the file, and taking it out publishes now', async () => {
    const ctx = testContext(configWithSources('  - { slug: desk, name: Desk, articles: desk, site_url: "https://desk.example/" }'));
    try {
      const dir = join(ctx.dir, 'desk');
      mkdirSync(dir);
      const lift = new Date(Math.ceil((Date.now() + 5 * HOUR) / 1000) * 1000);
      const file = (extra: string) => `---\ntitle: Budget held for the minister\npublished: 2026-11-01T08:00:00Z\ncategories: [transport]\n${extra}---\nThe budget.\n`;
      writeFileSync(join(dir, 'budget.md'), file(`embargo_until: ${lift.toISOString()}\n`));
      writeFileSync(join(dir, 'typo.md'), `---\ntitle: Typo\npublished: 2026-11-01T08:00:00Z\nembargo_until: "next tuesday"\n---\nText.\n`);
      const [result] = await runIngest(ctx, listSources(ctx.db));
      assert.match(String(result?.error), /typo\.md: .*embargo_until/, 'a time that cannot be read refuses the file rather than publishing it');
      const app = createApp(ctx);
      assert.ok(!(await publicItems(app, '/feeds/all.json')).has('Budget held for the minister'));
      const stored = ctx.db.prepare("SELECT published_at, embargo_until FROM articles WHERE guid = 'budget'").get() as { published_at: number; embargo_until: number };
      assert.equal(stored.published_at, lift.getTime(), 'published at the lift, not at the front matter\'s date');

      writeFileSync(join(dir, 'budget.md'), file(''));
      const before = Date.now();
      await runIngest(ctx, listSources(ctx.db));
      const items = await publicItems(app, '/feeds/all.json');
      assert.ok(items.has('Budget held for the minister'), 'out once the file no longer holds it');
      const published = Date.parse(items.get('Budget held for the minister')!);
      assert.ok(published >= before - 1000 && published <= Date.now(), 'published when it was let out');
    } finally {
      ctx.close();
    }
  });

  test('the admin API moves an embargo, keeps it on a replace that does not name it, ends it with null, and never holds back what is out', async () => {
    const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const app = createApp(ctx);
      const at = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString();
      const article = { title: 'Rates decision', summary: 'Rates.', url: 'https://desk.example/rates', categories: ['climate'] };
      const posted = await request(app).post('/admin/articles').set(auth).send({ ...article, embargo_until: at(HOUR) }).expect(201);
      const id = Number(String(posted.body.id).split('/').pop());
      const later = at(3 * HOUR);
      const moved = await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, embargo_until: later }).expect(200);
      assert.equal(moved.body.embargo_until, later);
      assert.equal(moved.body.published, later);
      const kept = await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, title: 'Rates decision (revised)' }).expect(200);
      assert.equal(kept.body.embargo_until, later, 'a replace that does not name the embargo keeps it');
      assert.ok(!(await publicItems(app, '/feeds/categories/climate.json')).has('Rates decision (revised)'));
      const versions = ctx.db.prepare('SELECT count(*) FROM article_versions WHERE article_id = ?').pluck().get(id);
      assert.equal(versions, 0, 'a change while held is a draft\'s edit, not a correction');

      const lifted = await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, embargo_until: null }).expect(200);
      assert.equal(lifted.body.embargo_until, undefined);
      assert.ok(Date.parse(lifted.body.published) <= Date.now());
      assert.ok((await publicItems(app, '/feeds/categories/climate.json')).has('Rates decision'), 'out at once, in its category too');

      const again = await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...article, embargo_until: at(HOUR) }).expect(409);
      assert.match(again.text, /cannot hold it back again/);
      const tooFar = await request(app).post('/admin/articles').set(auth).send({ ...article, url: 'https://desk.example/far', embargo_until: at(400 * 24 * HOUR) }).expect(400);
      assert.match(tooFar.text, /embargo_until/);
      await request(app).post('/admin/articles').set(auth).send({ ...article, url: 'https://desk.example/bad', embargo_until: 'tomorrow' }).expect(400);
    } finally {
      ctx.close();
    }
  });
});
