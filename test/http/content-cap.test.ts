// An entry with a huge body is stored and published cut to
// ingest.max_content_bytes, at a point where the HTML is still whole, and the
// cut is counted against its source without making the source fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'htmlparser2';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import type { SourceResult } from '../../src/model.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const CAP = 16 * 1024;
const paragraph = (i: number) => `<p>Paragraph ${i} of the inquiry: the <a href="/r/${i}">barrier</a> held &amp; the <em>river</em> fell.</p>`;
// About 3 MB.
const hugeBody = Array.from({ length: 30_000 }, (_, i) => paragraph(i)).join('');

const upstream = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Inquiry</title><link>https://inquiry.example/</link><description>d</description>
<item><title>The whole inquiry</title><link>https://inquiry.example/report</link><guid>report</guid>
<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[${hugeBody}]]></description></item>
<item><title>A short note</title><link>https://inquiry.example/note</link><guid>note</guid>
<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate><description><![CDATA[<p>Short and whole.</p>]]></description></item>
</channel></rss>`;

describe('content over ingest.max_content_bytes', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let results: SourceResult[];

  before(async () => {
    server = await serveFixtures({ '/inquiry.xml': { body: upstream } });
    const sources = `  - { slug: inquiry, name: Inquiry, url: "${server.url}/inquiry.xml" }`;
    ctx = testContext(configWithSources(sources, '', true, `  max_content_bytes: ${CAP}\n`));
    results = await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx?.close();
    await server?.close();
  });

  test('is published cut to the cap, well-formed, ending in a whole word', async () => {
    const res = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    const report = (res.body.items as { title: string; content_html: string }[]).find((i) => i.title === 'The whole inquiry');
    assert.ok(report, 'the huge entry is published');
    const html = report.content_html;
    assert.ok(Buffer.byteLength(html) <= CAP, `${Buffer.byteLength(html)} bytes published`);
    assert.ok(Buffer.byteLength(html) > CAP / 2, `cut far below the cap: ${Buffer.byteLength(html)} bytes`);
    assert.ok(html.startsWith('<p>Paragraph 0 of the inquiry'), html.slice(0, 80));
    assert.match(html, /<\/p>$/);
    // Nothing half-written: every element read back is closed where it was opened.
    const doc = parseDocument(html, { withEndIndices: true });
    assert.equal(doc.children.at(-1)?.endIndex, html.length - 1);
    assert.ok(doc.children.every((node) => 'name' in node && node.name === 'p'), 'only whole paragraphs at the top');
    assert.ok(!/&[a-z]*$/.test(html.replace(/<[^>]*>/g, '')), 'no entity cut at the end');
  });

  test('while an entry under the cap is kept whole', async () => {
    const res = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    const note = (res.body.items as { title: string; content_html: string }[]).find((i) => i.title === 'A short note');
    assert.equal(note?.content_html, '<p>Short and whole.</p>');
  });

  test('is searched only as far as it is stored', async () => {
    const stored = await request(createApp(ctx)).get('/feeds/search.json?q=%22Paragraph%2020000%22').expect(200);
    assert.equal(stored.body.items.length, 0, 'text past the cut is not indexed');
    const early = await request(createApp(ctx)).get('/feeds/search.json?q=%22Paragraph%205%22').expect(200);
    assert.equal(early.body.items.length, 1);
  });

  test('is counted against the source, which is not failing for it', () => {
    const result = results.find((r) => r.source === 'inquiry');
    assert.equal(result?.status, 'ok', result?.error);
    assert.equal(result?.itemsCapped, 1);
    assert.equal(result?.itemsNew, 2);
  });
});
