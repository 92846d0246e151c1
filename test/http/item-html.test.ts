// An item's HTML body shows its image (a <figure> with caption and credit)
// and its categories and related stories, for readers that ignore the
// extensions that carry them (publish.metadata_in_html); and the Universal
// Feed Parser reads our summary as the item's summary, not the image caption.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}", site_url: "https://demodesk.example/news/" }`;
const python = process.env.FEEDCHECK_PYTHON ?? '/usr/bin/python3';

type Row = { id: number; summary: string; image_caption: string; image_credit: string; image_url: string };

async function feedparserSummaries(xml: string): Promise<{ summary: string; detail: string; content: string[] }[]> {
  const script = `import sys, json, feedparser
d = feedparser.parse(sys.stdin.read())
print(json.dumps([{"summary": e.get("summary", ""), "detail": e.get("summary_detail", {}).get("value", ""), "content": [c["value"] for c in e.get("content", [])]} for e in d.entries]))`;
  const child = promisify(execFile)(python, ['-c', script], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(xml);
  return JSON.parse((await child).stdout);
}

async function feedparserMissing(): Promise<string | undefined> {
  if (!existsSync(python)) return `${python} not found`;
  try {
    await promisify(execFile)(python, ['-c', 'import feedparser']);
    return undefined;
  } catch {
    return 'feedparser is not installed (shared/tools/feedcheck/install.sh)';
  }
}

describe('the image, categories and related stories in the item HTML', () => {
  let ctx: TestContext;
  let app: App;
  let row: Row;

  before(async () => {
    // Summaries for the public: the extras must show without the full text.
    ctx = testContext(configWithSources(source, '', false));
    await runIngest(ctx, listSources(ctx.db));
    app = createApp(ctx);
    row = ctx.db
      .prepare("SELECT id, summary, image_caption, image_credit, image_url FROM articles WHERE image_caption IS NOT NULL AND image_credit IS NOT NULL AND EXISTS (SELECT 1 FROM related WHERE article_id = articles.id) ORDER BY id LIMIT 1")
      .get() as Row;
    assert.ok(row, 'a demo article with an image, caption, credit and related stories');
  });

  after(() => ctx.close());

  test('JSON Feed content_html: a figure first, the summary, then categories and related links', async () => {
    const res = await request(app).get('/feeds/all.json').expect(200);
    const item = (res.body.items as { id: string; content_html: string; summary: string; _wirefeed: { related: { url: string }[]; categories: { label: string }[] } }[]).find((i) =>
      i.id.endsWith(`/articles/${row.id}`),
    );
    assert.ok(item);
    const html = item.content_html;
    assert.ok(html.startsWith(`<figure><img src="${row.image_url}" alt="`), html);
    assert.match(html, /<figcaption>[^<]+\([^<]+\)<\/figcaption><\/figure>/);
    assert.ok(html.includes('<p>Categories: '), html);
    for (const r of item._wirefeed.related) assert.ok(html.includes(`<a href="${r.url.replace(/&/g, '&amp;')}">`), r.url);
    assert.ok(html.indexOf('<figure>') < html.indexOf('<p>Categories') && html.indexOf('<p>Categories') < html.indexOf('<p>Related:'));
  });

  test('RSS content:encoded and Atom content carry the same body', async () => {
    for (const [format, open] of [
      ['rss', '<content:encoded><![CDATA[<figure><img'],
      ['atom', '<content type="html"><![CDATA[<figure><img'],
    ]) {
      const res = await request(app).get(`/feeds/all.${format}`).expect(200);
      assert.ok(res.text.includes(open!), `${format}`);
      assert.match(res.text, /<figcaption>/);
      assert.match(res.text, /<p>Related:<\/p><ul><li><a href="https:/);
    }
  });

  test('a hostile caption and credit are escaped: the published HTML stays sanitized', async () => {
    ctx.db.prepare("UPDATE articles SET image_caption = ?, image_credit = ? WHERE id = ?").run('<script>alert(1)</script>"onerror=x', '<img src=x onerror=alert(2)>', row.id);
    const res = await request(app).get('/feeds/all.json').expect(200);
    const html = (res.body.items as { id: string; content_html: string }[]).find((i) => i.id.endsWith(`/articles/${row.id}`))?.content_html ?? '';
    assert.doesNotMatch(html, /<script|<img src=x|"onerror/);
    assert.ok(html.includes('alt="&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=x"'), html);
    assert.ok(html.includes('(&lt;img src=x onerror=alert(2)&gt;)</figcaption>'), html);
  });

  test('feedparser reads our summary as every item\'s summary, and the body as its content, never the caption', async (t) => {
    const missing = await feedparserMissing();
    if (missing) return t.skip(missing);
    const summaries = new Set((ctx.db.prepare('SELECT summary FROM articles').pluck().all() as string[]).map((s) => s.trim()));
    const captions = ctx.db.prepare('SELECT image_caption FROM articles WHERE image_caption IS NOT NULL').pluck().all() as string[];
    assert.ok(captions.length >= 3);
    for (const format of ['rss', 'atom']) {
      const entries = await feedparserSummaries((await request(app).get(`/feeds/all.${format}?limit=200`).expect(200)).text);
      assert.ok(entries.length >= 5);
      for (const e of entries) {
        assert.ok(summaries.has(e.summary.trim()), `${format}: summary ${JSON.stringify(e.summary.slice(0, 80))}`);
        // In RSS feedparser's summary_detail takes the caption's text, the price of the order the W3C validator asks for (feed-gaps.ts).
        if (format === 'atom') assert.equal(e.detail, e.summary, `${format}: summary_detail`);
        assert.ok(e.content.length <= 1, `${format}: one content`);
        for (const c of e.content) assert.ok(!captions.includes(c), `${format}: caption read as content`);
      }
    }
  });

  test('in RSS the description comes before the body (W3C validator) and the caption after it; in Atom the summary comes last', async () => {
    const rss = (await request(app).get('/feeds/all.rss').expect(200)).text;
    let captions = 0;
    for (const item of rss.split('<item>').slice(1)) {
      const at = (tag: string) => item.indexOf(tag);
      if (at('<content:encoded>') >= 0) assert.ok(at('<description>') < at('<content:encoded>'), item);
      if (at('<media:description') < 0) continue;
      captions++;
      assert.ok(at('<description>') < at('<content:encoded>') && at('<content:encoded>') < at('<media:description'), item);
    }
    const atom = (await request(app).get('/feeds/all.atom').expect(200)).text;
    for (const entry of atom.split('<entry>').slice(1)) {
      const at = (tag: string) => entry.indexOf(tag);
      if (at('<media:description') < 0) continue;
      captions++;
      assert.ok(at('<content') < at('<media:description') && at('<media:description') < at('<summary'), entry);
    }
    assert.ok(captions >= 6, `${captions} items with a caption`);
  });
});

describe('publish.metadata_in_html: false', () => {
  let ctx: TestContext;

  before(async () => {
    ctx = testContext(configWithSources(source, '', false).replace('publish:\n', 'publish:\n  metadata_in_html: false\n'));
    await runIngest(ctx, listSources(ctx.db));
  });

  after(() => ctx.close());

  test('no figure or lists in any body; JSON Feed falls back to content_text', async () => {
    const app = createApp(ctx);
    for (const format of ['rss', 'atom', 'json']) {
      const res = await request(app).get(`/feeds/all.${format}`).expect(200);
      assert.doesNotMatch(res.text, /<figure|&lt;figure|Categories: /, format);
    }
    const json = await request(app).get('/feeds/all.json').expect(200);
    assert.ok((json.body.items as { content_text?: string }[]).every((i) => i.content_text));
  });
});
