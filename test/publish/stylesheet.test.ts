// The XSLT stylesheet that makes a feed readable in a browser: served at
// /feed.xsl, linked from RSS and Atom, well-formed, and (where xsltproc is
// installed) turning both formats into a page with every item on it.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import xml2js from 'xml2js';
import { stylesheetPath } from '../../src/http/pages.js';
import { createApp } from '../../src/http/app.js';
import { type TestContext, demoContext } from '../helpers.js';

const base = 'http://localhost:8080';
const run = promisify(execFile);

function xsltprocMissing(): string | undefined {
  try {
    execFileSync('xsltproc', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'xsltproc is not installed';
  }
}

/** Text as xsltproc's HTML output writes it: &, < and > escaped, quotes as they are. */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the feed stylesheet', () => {
  let ctx: TestContext;
  let app: App;

  before(async () => {
    ctx = await demoContext(base);
    app = createApp(ctx);
  });

  after(() => ctx.close());

  test('is served as well-formed XSLT 1.0 with text/xsl', async () => {
    const res = await request(app).get('/feed.xsl').expect(200);
    assert.equal(res.headers['content-type'], 'text/xsl; charset=utf-8');
    assert.match(res.headers['cache-control'] ?? '', /^public, max-age=\d+$/);
    // xml2js reads through sax in strict mode: a stylesheet that is not well-formed throws.
    const doc = await xml2js.parseStringPromise(res.text);
    const root = doc['xsl:stylesheet'];
    assert.equal(root.$.version, '1.0');
    assert.equal(root.$['xmlns:xsl'], 'http://www.w3.org/1999/XSL/Transform');
    assert.equal(root.$['xmlns:atom'], 'http://www.w3.org/2005/Atom');
  });

  test('RSS and Atom link it with an xml-stylesheet instruction; JSON Feed does not', async () => {
    for (const path of ['/feeds/all.rss', '/feeds/categories/climate.atom', '/feeds/tags/port-elling.rss']) {
      const text = (await request(app).get(path).expect(200)).text;
      assert.ok(text.includes(`<?xml-stylesheet href="${base}/feed.xsl" type="text/xsl"?>`), path);
    }
    assert.doesNotMatch((await request(app).get('/feeds/all.json').expect(200)).text, /feed\.xsl/);
  });

  for (const format of ['rss', 'atom'] as const) {
    test(`xsltproc turns ${format} into a page with the note, every item, its author, categories and image`, { skip: xsltprocMissing() }, async (t) => {
      const feed = (await request(app).get(`/feeds/all.${format}?limit=6`).expect(200)).text;
      const file = join(ctx.dir, `all.${format}`);
      writeFileSync(file, feed);
      const { stdout: page } = await run('xsltproc', ['--nonet', stylesheetPath, file]);
      assert.match(page, /<html/);
      assert.match(page, /This is a web feed/);
      assert.ok(page.includes(`<code>${base}/feeds/all.${format}?limit=6</code>`), 'the feed URL to copy');
      assert.ok(page.includes('<h1>The Demo Desk</h1>'));
      const items = ctx.db
        .prepare('SELECT title, url, author, published_at, image_caption, image_credit FROM articles WHERE story_id IS NULL ORDER BY published_at DESC, id DESC LIMIT 6')
        .all() as { title: string; url: string; author: string | null; published_at: number; image_caption: string | null; image_credit: string | null }[];
      for (const item of items) {
        assert.ok(page.includes(`<a href="${html(item.url)}">${html(item.title)}</a>`), item.title);
        const iso = new Date(item.published_at).toISOString();
        const date = format === 'rss' ? new Date(item.published_at).toUTCString() : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
        assert.ok(page.includes(`<p class="meta">${date}`), `${item.title}: ${date}`);
        if (item.author) assert.ok(page.includes(html(item.author)), item.author);
        if (item.image_caption) assert.ok(page.includes(html(item.image_caption)), item.image_caption);
        if (item.image_credit) assert.ok(page.includes(`(${html(item.image_credit)})`), item.image_credit);
      }
      assert.ok(items.some((i) => i.image_caption), 'the first page has an image to show');
      assert.match(page, /<span>Science<\/span>/);
      assert.match(page, /rel="next">Older stories<\/a>/);
      t.diagnostic(`${page.length} bytes of HTML`);
    });
  }
});
