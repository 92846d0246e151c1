// Tracking beacons sized or hidden by an inline style are removed from the
// published content like those sized by width and height attributes; real
// pictures, whatever their style says, stay (without the style attribute,
// which sanitizing never keeps).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const beacons = [
  'style="width:1px;height:1px"',
  'style="width: 1px; height: 1px; border:0"',
  'style="height:0"',
  'style="display:none"',
  'style="visibility:hidden"',
  'style="max-width:1px"',
  'style="WIDTH:1PX !IMPORTANT; HEIGHT:1PX"',
  'style="width:1;height:1"',
];

const body = [
  '<p>The barrier closed at dawn.</p>',
  ...beacons.map((style, i) => `<p>Paragraph ${i}.<img src="https://track.example/b${i}.gif" ${style}></p>`),
  '<p><img src="https://coast.example/wide.jpg" style="width:100%" alt="Wide"></p>',
  '<p><img src="https://coast.example/fixed.jpg" style="width:640px" alt="Fixed"></p>',
].join('');

const upstream = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Coast</title><link>https://coast.example/</link><description>d</description>
<item><title>Barrier closes</title><link>https://coast.example/barrier</link><guid>barrier-1</guid>
<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[${body}]]></description></item>
</channel></rss>`;

describe('tracking pixels sized by CSS', () => {
  let server: FixtureServer;
  let ctx: TestContext;

  before(async () => {
    server = await serveFixtures({ '/coast.xml': { body: upstream } });
    ctx = testContext(configWithSources(`  - { slug: coast, name: Coast, url: "${server.url}/coast.xml" }`));
    await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('are not published, in any format', async () => {
    const json = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    const html = json.body.items[0]?.content_html as string;
    assert.ok(html.includes('The barrier closed at dawn.'), html);
    assert.ok(!html.includes('track.example'), `a beacon survived: ${html}`);
    for (const format of ['rss', 'atom']) {
      const res = await request(createApp(ctx)).get(`/feeds/all.${format}`).expect(200);
      assert.ok(!res.text.includes('track.example'), `a beacon survived in ${format}`);
    }
  });

  test('while pictures styled to a real width stay, without the style', async () => {
    const json = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    const html = json.body.items[0]?.content_html as string;
    assert.ok(html.includes('<img src="https://coast.example/wide.jpg" alt="Wide" />'), html);
    assert.ok(html.includes('<img src="https://coast.example/fixed.jpg" alt="Fixed" />'), html);
    assert.ok(!html.includes('style='), html);
  });

  test('and a beacon is never taken for the article picture', async () => {
    const json = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    assert.equal(json.body.items[0]?.image, 'https://coast.example/wide.jpg');
  });
});
