// saveArticles stores a document's articles with as few INSERTs as it can;
// what it stores must be what saving them one at a time stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ArticleDraft } from '../../../src/model.js';
import { saveArticle, saveArticles } from '../../../src/store/articles/articles.js';
import { listSources } from '../../../src/store/sources.js';
import { configWithSources, type TestContext, testContext } from '../../helpers.js';

const sources = '  - { slug: a, name: A, url: "https://a.example/feed" }\n  - { slug: b, name: B, url: "https://b.example/feed" }';

function draft(guid: string, title = `Story ${guid}`): ArticleDraft {
  const published = new Date(Date.UTC(2026, 10, 17, 8, 0) + Number.parseInt(guid.replace(/\D/g, '') || '0', 10) * 60_000);
  return {
    guid,
    url: `https://a.example/${guid}`,
    title,
    summary: `What happened in ${guid}.`,
    contentHtml: `<p>${title}</p>`,
    bodyText: title,
    publishedAt: published,
    updatedAt: published,
    image: { url: `https://a.example/${guid}.jpg`, caption: 'A caption', credit: 'A credit' },
    categories: ['climate'],
    tags: [`Tag ${guid}`],
    upstreamCategories: ['Environment'],
    upstreamTags: [`Tag ${guid}`],
    related: [{ url: `https://elsewhere.example/${guid}`, title: 'Elsewhere', kind: 'explicit' }],
  };
}

/** Every stored row of every article of a source, in id order, ids and first-seen times left out. */
function stored(ctx: TestContext, sourceId: number): unknown[] {
  return ctx.db
    .prepare(
      `SELECT a.guid, a.url, a.title, a.summary, a.content_html, a.body_text, a.author, a.published_at, a.updated_at, a.image_url,
         a.image_caption, a.image_credit, a.upstream_categories, a.upstream_tags, a.content_hash,
         (SELECT json_group_array(category_slug) FROM article_categories WHERE article_id = a.id) AS categories,
         (SELECT json_group_array(label) FROM article_tags WHERE article_id = a.id) AS tags,
         (SELECT json_group_array(url) FROM related WHERE article_id = a.id) AS related
       FROM articles a WHERE a.source_id = ? ORDER BY a.id`,
    )
    .all(sourceId);
}

describe('saveArticles', () => {
  let ctx: TestContext;
  let a: number;
  let b: number;
  const now = new Date('2026-11-18T00:00:00Z');

  before(() => {
    ctx = testContext(configWithSources(sources));
    [a, b] = listSources(ctx.db).map((s) => s.id) as [number, number];
  });

  after(() => ctx.close());

  test('stores a long document (more rows than one statement takes) as saving each article alone does, ids in document order', () => {
    const drafts = Array.from({ length: 150 }, (_, i) => draft(`g${i}`));
    const saved = ctx.db.transaction(() => saveArticles(ctx.db, a, drafts, now))();
    assert.ok(saved.every((s) => s.outcome === 'new'));
    assert.deepEqual(saved.map((s) => s.id), [...saved.map((s) => s.id)].sort((x, y) => x - y));
    assert.equal(new Set(saved.map((s) => s.id)).size, 150);
    ctx.db.transaction(() => drafts.forEach((d) => saveArticle(ctx.db, b, d, now)))();
    assert.deepEqual(stored(ctx, a), stored(ctx, b));
    assert.equal(stored(ctx, a).length, 150);
    const g7 = draft('g7');
    const { content_hash: hash, ...row } = stored(ctx, a)[7] as Record<string, unknown>;
    assert.match(String(hash), /^[0-9a-f]{64}$/);
    assert.deepEqual(row, {
      guid: 'g7',
      url: g7.url,
      title: g7.title,
      summary: g7.summary,
      content_html: g7.contentHtml,
      body_text: g7.bodyText,
      author: null,
      published_at: g7.publishedAt.getTime(),
      updated_at: g7.updatedAt.getTime(),
      image_url: g7.image?.url,
      image_caption: 'A caption',
      image_credit: 'A credit',
      upstream_categories: '["Environment"]',
      upstream_tags: '["Tag g7"]',
      categories: '["climate"]',
      tags: '["Tag g7"]',
      related: '["https://elsewhere.example/g7"]',
    });
  });

  test('a guid twice in one document is stored once, as its second entry; stored and unchanged articles keep their ids', () => {
    const first = ctx.db.prepare("SELECT id FROM articles WHERE source_id = ? AND guid = 'g0'").pluck().get(a) as number;
    const saved = ctx.db.transaction(() =>
      saveArticles(ctx.db, a, [draft('g0'), draft('g1', 'Changed'), draft('n1'), draft('n2'), draft('n1', 'Second entry')], now),
    )();
    assert.deepEqual(
      saved.map((s) => s.outcome),
      ['unchanged', 'updated', 'new', 'new', 'updated'],
    );
    assert.equal(saved[0]?.id, first);
    assert.equal(saved[4]?.id, saved[2]?.id);
    assert.ok(saved[3]!.id > saved[2]!.id);
    const titles = ctx.db.prepare("SELECT guid, title FROM articles WHERE source_id = ? AND guid IN ('g1', 'n1', 'n2') ORDER BY guid").all(a);
    assert.deepEqual(titles, [
      { guid: 'g1', title: 'Changed' },
      { guid: 'n1', title: 'Second entry' },
      { guid: 'n2', title: 'Story n2' },
    ]);
    // The same document one at a time, on the other source, stores the same rows.
    ctx.db.transaction(() =>
      [draft('g0'), draft('g1', 'Changed'), draft('n1'), draft('n2'), draft('n1', 'Second entry')].forEach((d) => saveArticle(ctx.db, b, d, now)),
    )();
    assert.deepEqual(stored(ctx, a), stored(ctx, b));
  });

  test('a guid twice in a document saved again ends as its second entry again', () => {
    const document = [draft('d1', 'First wording'), draft('d1', 'Second wording')];
    const title = () => ctx.db.prepare("SELECT title FROM articles WHERE source_id = ? AND guid = 'd1'").pluck().get(a);
    ctx.db.transaction(() => saveArticles(ctx.db, a, document, now))();
    assert.equal(title(), 'Second wording');
    // The stored article is the second entry's: the first updates it, the second has to update it back.
    const saved = ctx.db.transaction(() => saveArticles(ctx.db, a, document, now))();
    assert.deepEqual(
      saved.map((s) => s.outcome),
      ['updated', 'updated'],
    );
    assert.equal(title(), 'Second wording');
  });
});
