// The upstream for the ingest benchmark, run as a child process:
//   feed-server.js FEEDS ITEMS
// serves FEEDS RSS 2.0 feeds of ITEMS items each, feed i on a port of its
// own on 127.0.0.1 (runIngest allows one request at a time per host, and a
// host is name and port), gzip-compressed when asked, with an ETag it honours
// in If-None-Match (304, no body). Items look like wire copy found in the
// wild: a photo with caption and credit, a "Related:" line, site boilerplate,
// a tracking pixel, a script and an event handler for the sanitizer, and
// tracking parameters on links.
// Sent the message "next" (over IPC), every feed publishes a new batch of
// ITEMS items, newer than the last, under a new ETag, and the server answers
// { generation }: a second ingest of the same sources then finds only new
// items (the readers benchmark's CLI ingest next to a running serve).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Random, TextMaker } from './text.js';

const upstreamNames = ['Transit', 'Markets', 'Environment', 'Space', 'Football', 'Arts', 'International', 'Tech', 'Local Government'];
const topicByUpstream: Record<string, string> = {
  Transit: 'transport', Markets: 'business', Environment: 'climate', Space: 'science', Football: 'sports',
  Arts: 'culture', International: 'world', Tech: 'technology', 'Local Government': 'politics',
};

const xml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function item(text: TextMaker, random: Random, feed: number, n: number, published: Date): string {
  const upstream = random.pick(upstreamNames);
  const topic = topicByUpstream[upstream]!;
  const site = `https://feed${feed}.example`;
  const title = text.title(topic);
  const path = `${site}/${published.toISOString().slice(0, 10)}/story-${n}`;
  const caption = text.sentence(topic, 10, 18);
  const credit = `AP Photo/${text.person()}`;
  const body = [
    `<figure><img src="${site}/images/${n}.jpg" alt="${xml(caption)}"><figcaption>${caption} (${credit})</figcaption></figure>`,
    `<p onclick="track()">${text.prose(topic, 420)}</p>`,
    `<p>${text.prose(topic, 420)}</p>`,
    `<p>Related: <a href="${site}/2026-11-01/story-${n + 1000}">${text.title(topic)}</a> Nov 1, 2026</p>`,
    `<p>${text.prose(topic, 420)}</p>`,
    `<p>${text.prose(topic, 380)}</p>`,
    '<script>trackPageView()</script><img src="https://pixel.example/t.gif" width="1" height="1">',
    '<p>You must be logged in to post a comment.</p>',
  ].join('\n');
  const tags = Array.from({ length: random.int(0, 2) }, () => `<category>${text.name()}</category>`).join('');
  return `<item>
<title>${xml(title)}</title>
<link>${path}?utm_source=rss&amp;utm_medium=feed</link>
<guid isPermaLink="false">feed${feed}-story-${n}</guid>
<pubDate>${published.toUTCString()}</pubDate>
<dc:creator>${text.person()}</dc:creator>
<category>${upstream}</category>${tags}
<description>${xml(text.prose(topic, 300))}</description>
<content:encoded><![CDATA[${body}]]></content:encoded>
<media:content url="${site}/images/${n}.jpg" type="image/jpeg" medium="image"><media:description>${xml(caption)}</media:description><media:credit>${xml(credit)}</media:credit></media:content>
</item>`;
}

function feedXml(feed: number, items: number, generation: number): string {
  // Generation 0 as it always was, so that the ingest benchmark's figures stay comparable.
  const random = new Random(feed + generation * 100_003);
  const text = new TextMaker(random, 2000);
  const newest = Date.parse('2026-11-20T12:00:00Z') - feed * 60_000 + generation * items * 20 * 60_000;
  const first = generation * items;
  const entries = Array.from({ length: items }, (_, n) => item(text, random, feed, first + n, new Date(newest - n * 20 * 60_000)));
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Feed ${feed} Wire</title><link>https://feed${feed}.example/</link><description>Wire copy from feed ${feed}</description><language>en</language>
${entries.join('\n')}
</channel></rss>`;
}

const [feeds = 200, items = 50] = process.argv.slice(2).map(Number);

interface Document {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

function document(feed: number, generation: number): Document {
  const body = Buffer.from(feedXml(feed, items, generation), 'utf8');
  return { body, gzip: gzipSync(body), etag: `"${createHash('sha1').update(body).digest('hex')}"` };
}

/** Each feed's current document, by feed number less one. */
const documents: Document[] = [];
let generation = 0;
const ports: number[] = [];
for (let feed = 1; feed <= feeds; feed++) {
  documents.push(document(feed, generation));
  const server = createServer((req, res) => {
    const { body, gzip, etag } = documents[feed - 1]!;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    const gzipped = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const payload = gzipped ? gzip : body;
    res.writeHead(200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      'content-length': payload.length,
      etag,
      ...(gzipped ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}),
    });
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.send?.({ port: ports[0], ports });
process.on('message', (message) => {
  if (message === 'stop') process.exit(0);
  if (message === 'next') {
    generation++;
    for (let feed = 1; feed <= feeds; feed++) documents[feed - 1] = document(feed, generation);
    process.send?.({ generation });
  }
});
process.on('disconnect', () => process.exit(0));
