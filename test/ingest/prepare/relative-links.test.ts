// Issue 17: an upstream whose links are all relative ("/", "./", a path)
// must not have its items stored with "/" or "./" for a URL. Links resolve
// against xml:base, the item's link, the feed's link and, last, the URL the
// feed was fetched from; relative href and src in content are kept, resolved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/config.js';
import { prepareDocument } from '../../../src/ingest/prepare/feed.js';
import type { Source } from '../../../src/model.js';
import { demoConfigPath } from '../../helpers.js';

const cfg = loadConfig({ WIREFEED_CONFIG: demoConfigPath, WIREFEED_DB: ':memory:' });
const source: Source = { slug: 'dock', name: 'Dock', url: 'https://dock.example/feeds/main.xml', categories: [], everyMinutes: 15, id: 1, errorCount: 0, origin: 'config' };
const now = new Date('2026-11-17T09:00:00Z');

function rss(channelLink: string, items: string): Buffer {
  return Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>Dock</title><link>${channelLink}</link><description>d</description>${items}</channel></rss>`);
}

const item = (guid: string, link: string, body = '') =>
  `<item><guid isPermaLink="false">${guid}</guid><title>Story ${guid}</title><link>${link}</link><pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate><description>${body}</description></item>`;

test('relative item and channel links resolve against the feed URL: no item is stored with "/" or "./"', async () => {
  // The channel's "/" is the root of the site the feed came from; the items resolve against it.
  const body = rss('/', item('a', '/') + item('b', './') + item('c', 'stories/c.html') + item('d', 'javascript:x'));
  const { drafts, problems } = await prepareDocument(cfg, source, body, 'application/rss+xml', now);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    drafts.map((d) => d.url),
    ['https://dock.example/', 'https://dock.example/', 'https://dock.example/stories/c.html', 'https://dock.example/'],
  );
});

test('relative src and href in content are resolved, and the image kept', async () => {
  const content = '&lt;p&gt;&lt;img src="/img/crane.jpg" alt="crane"&gt; &lt;a href="more.html"&gt;more&lt;/a&gt;&lt;/p&gt;';
  // The channel's "./" is the feed's own folder.
  const { drafts } = await prepareDocument(cfg, source, rss('./', item('e', './news/e/', content)), 'application/rss+xml', now);
  const [draft] = drafts;
  assert.equal(draft?.url, 'https://dock.example/feeds/news/e/');
  assert.match(draft?.contentHtml ?? '', /src="https:\/\/dock\.example\/img\/crane\.jpg"/);
  assert.match(draft?.contentHtml ?? '', /href="https:\/\/dock\.example\/feeds\/news\/e\/more\.html"/);
  assert.equal(draft?.image?.url, 'https://dock.example/img/crane.jpg');
});
