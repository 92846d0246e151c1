// A corrected article carries its new updated time in every format (Atom
// <updated>, RSS atom:updated, JSON Feed date_modified), and its feeds'
// own date, Last-Modified and ETag move with it: whether the publisher
// replaced it through the admin API or an upstream sent a changed entry.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, testContext } from '../helpers.js';

const token = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };

interface Dates {
  atomEntry?: string;
  atomFeed?: string;
  rssItem?: string;
  rssChannel?: string;
  json?: string;
  etags: string[];
  lastModified: string[];
}

/** The one item's modified date in each format, the feeds' own dates, and the validators of all three. */
async function datesOf(app: App, feed: string, url: string): Promise<Dates> {
  const [atom, rss, json] = await Promise.all(['atom', 'rss', 'json'].map((f) => request(app).get(`${feed}.${f}`).expect(200)));
  const entry = atom!.text.split('<entry').find((e) => e.includes(`href="${url}"`)) ?? '';
  const item = rss!.text.split('<item>').find((i) => i.includes(`<link>${url}</link>`)) ?? '';
  const items = json!.body.items as { url: string; date_modified: string }[];
  return {
    atomEntry: /<updated>([^<]+)<\/updated>/.exec(entry)?.[1],
    atomFeed: /<updated>([^<]+)<\/updated>/.exec(atom!.text.split('<entry')[0]!)?.[1],
    rssItem: /<atom:updated>([^<]+)<\/atom:updated>/.exec(item)?.[1],
    rssChannel: /<lastBuildDate>([^<]+)<\/lastBuildDate>/.exec(rss!.text)?.[1],
    json: items.find((i) => i.url === url)?.date_modified,
    etags: [atom!, rss!, json!].map((r) => r.headers.etag!),
    lastModified: [atom!, rss!, json!].map((r) => r.headers['last-modified']!),
  };
}

function assertCorrected(before: Dates, after: Dates, at: Date): void {
  const iso = at.toISOString();
  assert.deepEqual([after.atomEntry, after.rssItem, after.json], [iso, iso, iso], 'the item says when it changed');
  assert.equal(after.atomFeed, iso);
  assert.equal(after.rssChannel, at.toUTCString());
  assert.deepEqual(after.lastModified, [at.toUTCString(), at.toUTCString(), at.toUTCString()]);
  after.etags.forEach((etag, i) => assert.notEqual(etag, before.etags[i]));
}

describe('corrections travel downstream in every format', () => {
  test('an article replaced through the admin API (PUT)', async (t) => {
    const published = Date.UTC(2026, 10, 20, 9, 0);
    t.mock.timers.enable({ apis: ['Date'], now: published });
    const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const app = createApp(ctx);
      const article = { title: 'Ferry fares rise 4%', summary: 'From January.', url: 'https://desk.example/fares', categories: ['transport'] };
      const id = String((await request(app).post('/admin/articles').set(auth).send(article).expect(201)).body.id).split('/').pop();
      const feeds = ['/feeds/categories/transport', '/feeds/all', '/feeds/sources/admin'];
      const before = await Promise.all(feeds.map((feed) => datesOf(app, feed, article.url)));
      assert.equal(before[0]!.rssItem, undefined, 'no atom:updated until it changes');

      const corrected = new Date(published + 3 * 3_600_000);
      t.mock.timers.setTime(corrected.getTime());
      const fixed = { ...article, title: 'Ferry fares rise 3%', content_html: '<p>An earlier version said 4%.</p>' };
      await request(app).put(`/admin/articles/${id}`).set(auth).send(fixed).expect(200);
      for (const [i, feed] of feeds.entries()) assertCorrected(before[i]!, await datesOf(app, feed, article.url), corrected);
      await request(app).get('/feeds/all.atom').set('If-None-Match', before[1]!.etags[0]!).expect(200);
    } finally {
      ctx.close();
    }
  });

  test('an entry an upstream sends again, changed, with its own later updated time', async () => {
    const ctx = testContext(configWithSources('  - { slug: wire, name: Wire, file: wire.atom, categories: [transport] }'));
    const entry = (title: string, updated: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:wire</id><title>Wire</title><updated>${updated}</updated>
<entry><id>urn:wire:1</id><title>${title}</title><link href="https://wire.example/1"/><published>2026-11-01T08:00:00Z</published>
<updated>${updated}</updated><summary>Services resume.</summary></entry></feed>`;
    try {
      writeFileSync(join(ctx.dir, 'wire.atom'), entry('Rail line reopens Monday', '2026-11-01T08:00:00Z'));
      await runIngest(ctx, listSources(ctx.db));
      const app = createApp(ctx);
      const before = await datesOf(app, '/feeds/sources/wire', 'https://wire.example/1');
      writeFileSync(join(ctx.dir, 'wire.atom'), entry('Rail line reopens Tuesday', '2026-11-02T10:00:00Z'));
      await runIngest(ctx, listSources(ctx.db));
      assertCorrected(before, await datesOf(app, '/feeds/sources/wire', 'https://wire.example/1'), new Date('2026-11-02T10:00:00Z'));
    } finally {
      ctx.close();
    }
  });
});
