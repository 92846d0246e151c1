// A feed fetched again is prepared only as far as it changed: entries the
// thread prepared before and whose articles are stored as they made them are
// left out (the source_refreshed line counts items_prepared), and the very
// bytes of the last document, its articles stored as they were, are not even
// parsed (document_unchanged). What is stored is the same as if every entry
// had been prepared again.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runIngest } from '../../../src/ingest/run.js';
import { createLog } from '../../../src/observe/log.js';
import type { SourceResult } from '../../../src/model.js';
import { listSources } from '../../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../../helpers.js';

const rss = (items: string) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Known Wire</title><link>https://known.example/</link><description>d</description>${items}</channel></rss>`;
const item = (guid: string, title: string) =>
  `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><link>https://known.example/${guid}</link>
   <pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate><description>About ${title}.</description></item>`;

describe('entries prepared before', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let lines: Record<string, unknown>[] = [];

  before(async () => {
    // No ETag or Last-Modified: every poll gets the whole document again.
    server = await serveFixtures({ '/feed.rss': { body: rss(item('k1', 'Pier reopens') + item('k2', 'Ferry fares frozen')) } });
    const base = testContext(configWithSources(`  - { slug: known, name: Known Wire, url: "${server.url}/feed.rss" }`));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
        done();
      },
    });
    ctx = { ...base, log: createLog('info', sink) };
  });
  after(async () => {
    ctx.close();
    await server.close();
  });

  /** One poll: its result, how many entries it prepared, and whether the document was the last one read. */
  async function poll(): Promise<{ result: SourceResult; prepared: unknown; unchanged: unknown }> {
    lines = [];
    const [result] = await runIngest(ctx, listSources(ctx.db));
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((l) => l.event === 'source_refreshed');
    return { result: result!, prepared: line?.items_prepared, unchanged: line?.document_unchanged };
  }
  const title = (guid: string) => ctx.db.prepare('SELECT title FROM articles WHERE guid = ?').pluck().get(guid);

  test('a feed fetched again unchanged prepares nothing; a new entry alone is prepared', async () => {
    const first = await poll();
    assert.deepEqual([first.result.itemsNew, first.prepared], [2, 2]);
    const again = await poll();
    assert.deepEqual([again.result.itemsSeen, again.result.itemsNew, again.result.itemsUpdated, again.prepared], [2, 0, 0, 0]);
    assert.equal(again.unchanged, true);
    server.routes.set('/feed.rss', { body: rss(item('k3', 'Harbour crane arrives') + item('k1', 'Pier reopens') + item('k2', 'Ferry fares frozen')) });
    const added = await poll();
    assert.deepEqual([added.result.itemsNew, added.result.itemsUpdated, added.prepared], [1, 0, 1]);
    assert.equal(added.unchanged, undefined);
  });

  test('the same bytes with a source setting changed are prepared again: the categories classify its entries', async () => {
    const same = await poll();
    assert.equal(same.unchanged, true);
    ctx.db.prepare("UPDATE sources SET categories = '[\"business\"]' WHERE slug = 'known'").run();
    const reclassified = await poll();
    assert.deepEqual([reclassified.unchanged, reclassified.result.itemsSeen], [undefined, 3]);
    ctx.db.prepare("UPDATE sources SET categories = '[]' WHERE slug = 'known'").run();
    await poll();
  });

  test('an article changed in the database since, or deleted, is prepared and stored from its entry again', async () => {
    assert.equal((await poll()).unchanged, true);
    ctx.db.prepare("UPDATE articles SET title = 'Edited elsewhere', content_hash = 'edited' WHERE guid = 'k1'").run();
    ctx.db.prepare("DELETE FROM articles WHERE guid = 'k2'").run();
    const next = await poll();
    assert.deepEqual([next.result.itemsNew, next.result.itemsUpdated, next.prepared, next.unchanged], [1, 1, 2, undefined]);
    assert.equal(title('k1'), 'Pier reopens');
    assert.equal(title('k2'), 'Ferry fares frozen');
  });

  test('of two entries with one guid the later one is stored, at every poll', async () => {
    server.routes.set('/feed.rss', { body: rss(item('dup', 'First wording') + item('dup', 'Second wording')) });
    await poll();
    assert.equal(title('dup'), 'Second wording');
    const again = await poll();
    assert.equal(again.prepared, 2);
    assert.equal(title('dup'), 'Second wording');
  });
});
