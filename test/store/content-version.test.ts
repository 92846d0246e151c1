// A change to what a feed shows reaches a running server's render cache even
// when it changes only categories, tags or related stories (no article row)
// and is made by another process: the store functions that write those rows
// move the content version (010_content_version_per_call.sql).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { contentVersion } from '../../src/store/content-version.js';
import { type Db, openDb } from '../../src/store/db/db.js';
import { listRelatedOfKind, replaceRelated } from '../../src/store/articles/related.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, runCli, type TestContext, testContext } from '../helpers.js';

const feed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>W</title><link>https://w.example/</link><description>d</description>
<item><guid>w1</guid><title>Daesh claims fjord attack</title><link>https://w.example/w1</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate><category>ISIL</category><description>Officials said fighters fled.</description></item>
</channel></rss>`;

const sources = '  - { slug: w, name: W, file: w.rss }';
const gazetteer = 'tags:\n  - { name: Islamic State, aliases: [ISIL, ISIS, Daesh] }';

interface JsonFeed {
  items: { url: string; tags: string[]; _wirefeed: { related: { url: string; kind: string }[] } }[];
}

describe('the content version moves with categories, tags and related stories', () => {
  let ctx: TestContext;
  let other: Db;
  let app: ReturnType<typeof createApp>;
  const database = () => join(ctx.dir, 'test.db');

  before(async () => {
    ctx = testContext(configWithSources(sources));
    writeFileSync(join(ctx.dir, 'w.rss'), feed);
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
    // Another writer of the same file, as a CLI command in another process would be.
    other = openDb(database());
  });

  after(() => {
    other.close();
    ctx.close();
  });

  test('a reclassify in another process that changes only tags changes the served feed', async () => {
    const before = await request(app).get('/feeds/all.json').expect(200);
    assert.deepEqual((before.body as JsonFeed).items[0]?.tags, ['ISIL']);
    // The same taxonomy (no category row changes) with a gazetteer that names the tag anew.
    writeFileSync(join(ctx.dir, 'tagged.yaml'), configWithSources(sources, gazetteer));
    const reclassify = await runCli(['reclassify'], { WIREFEED_CONFIG: join(ctx.dir, 'tagged.yaml'), WIREFEED_DB: database() });
    assert.equal(reclassify.stdout, 'Reclassified 1 article: 1 changed.\n');
    const after = await request(app).get('/feeds/all.json').expect(200);
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.deepEqual((after.body as JsonFeed).items[0]?.tags, ['Islamic State']);
  });

  test('related stories written by another connection change the served feed', async () => {
    const before = await request(app).get('/feeds/all.json').expect(200);
    const id = other.prepare('SELECT id FROM articles').pluck().get() as number;
    other.transaction(() => replaceRelated(other, id, 'computed', [{ url: 'https://x.example/a', title: 'A', score: 0.5 }]))();
    const after = await request(app).get('/feeds/all.json').expect(200);
    assert.notEqual(after.headers.etag, before.headers.etag);
    const related = (after.body as JsonFeed).items[0]?._wirefeed.related.filter((r) => r.kind === 'computed');
    assert.deepEqual(related?.map((r) => r.url), ['https://x.example/a']);
  });

  test('the version moves once per call, not once per row', () => {
    const id = other.prepare('SELECT id FROM articles').pluck().get() as number;
    const links = ['b', 'c', 'd'].map((x) => ({ url: `https://x.example/${x}`, title: x, score: 0.4 }));
    const before = contentVersion(other);
    other.transaction(() => replaceRelated(other, id, 'computed', links))();
    assert.equal(contentVersion(other), before + 1);
  });

  test('rewriting the same related stories writes nothing; a changed or shorter list writes only the difference', () => {
    const id = other.prepare('SELECT id FROM articles').pluck().get() as number;
    const links = ['e', 'f', 'g'].map((x, i) => ({ url: `https://x.example/${x}`, title: x, score: 0.9 - i / 10 }));
    other.transaction(() => replaceRelated(other, id, 'computed', links))();
    const version = contentVersion(other);
    const changes = () => other.prepare('SELECT total_changes()').pluck().get() as number;
    const start = changes();
    other.transaction(() => replaceRelated(other, id, 'computed', links))();
    assert.equal(changes(), start);
    assert.equal(contentVersion(other), version);
    // One new entry in second place pushes the third out: two positions change.
    const next = [links[0]!, { url: 'https://x.example/h', title: 'h', score: 0.85 }, links[1]!];
    other.transaction(() => replaceRelated(other, id, 'computed', next))();
    assert.deepEqual(listRelatedOfKind(other, id, 'computed'), next);
    assert.equal(changes(), start + 4); // two upserts, the version and the key queued for the cache in front
    other.transaction(() => replaceRelated(other, id, 'computed', next.slice(0, 1)))();
    assert.deepEqual(listRelatedOfKind(other, id, 'computed'), next.slice(0, 1));
    assert.equal(contentVersion(other), version + 2);
  });
});
