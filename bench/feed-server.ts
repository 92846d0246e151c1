// The upstream for the ingest benchmark, run as a child process:
//   feed-server.js FEEDS ITEMS [ATOM_EVERY]
// serves FEEDS RSS 2.0 feeds of ITEMS items each (every ATOM_EVERY-th feed,
// when given, as Atom 1.0 with the same entries: a share of the documents
// that also takes parse/nodes.ts's second reading), feed i on a port of its
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

function item(text: TextMaker, random: Random, feed: number, n: number, published: Date, atom: boolean): string {
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
  const tagNames = Array.from({ length: random.int(0, 2) }, () => text.name());
  const author = text.person();
  const summary = text.prose(topic, 300);
  if (atom) return atomEntry({ title, path, feed, n, published, author, upstream, tagNames, summary, body, site, caption, credit });
  const tags = tagNames.map((name) => `<category>${name}</category>`).join('');
  return `<item>
<title>${xml(title)}</title>
<link>${path}?utm_source=rss&amp;utm_medium=feed</link>
<guid isPermaLink="false">feed${feed}-story-${n}</guid>
<pubDate>${published.toUTCString()}</pubDate>
<dc:creator>${author}</dc:creator>
<category>${upstream}</category>${tags}
<description>${xml(summary)}</description>
<content:encoded><![CDATA[${body}]]></content:encoded>
<media:content url="${site}/images/${n}.jpg" type="image/jpeg" medium="image"><media:description>${xml(caption)}</media:description><media:credit>${xml(credit)}</media:credit></media:content>
</item>`;
}

interface Entry {
  title: string;
  path: string;
  feed: number;
  n: number;
  published: Date;
  author: string;
  upstream: string;
  tagNames: string[];
  summary: string;
  body: string;
  site: string;
  caption: string;
  credit: string;
}

/** The same story as an Atom 1.0 entry (RFC 4287): escaped HTML content, a text summary. */
function atomEntry(e: Entry): string {
  const categories = [e.upstream, ...e.tagNames].map((c) => `<category term="${xml(c)}"/>`).join('');
  return `<entry>
<title>${xml(e.title)}</title>
<link rel="alternate" href="${e.path}?utm_source=rss&amp;utm_medium=feed"/>
<id>feed${e.feed}-story-${e.n}</id>
<published>${e.published.toISOString()}</published>
<updated>${e.published.toISOString()}</updated>
<author><name>${xml(e.author)}</name></author>
${categories}
<summary>${xml(e.summary)}</summary>
<content type="html">${xml(e.body)}</content>
<media:content url="${e.site}/images/${e.n}.jpg" type="image/jpeg" medium="image"><media:description>${xml(e.caption)}</media:description><media:credit>${xml(e.credit)}</media:credit></media:content>
</entry>`;
}

function feedXml(feed: number, items: number, generation: number, atom: boolean): string {
  // Generation 0 as it always was, so that the ingest benchmark's figures stay comparable.
  const random = new Random(feed + generation * 100_003);
  const text = new TextMaker(random, 2000);
  const newest = Date.parse('2026-11-20T12:00:00Z') - feed * 60_000 + generation * items * 20 * 60_000;
  const first = generation * items;
  const entries = Array.from({ length: items }, (_, n) => item(text, random, feed, first + n, new Date(newest - n * 20 * 60_000), atom));
  if (atom) {
    return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en">
<title>Feed ${feed} Wire</title><link rel="alternate" href="https://feed${feed}.example/"/><id>https://feed${feed}.example/</id>
<updated>${new Date(newest).toISOString()}</updated><subtitle>Wire copy from feed ${feed}</subtitle>
${entries.join('\n')}
</feed>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Feed ${feed} Wire</title><link>https://feed${feed}.example/</link><description>Wire copy from feed ${feed}</description><language>en</language>
${entries.join('\n')}
</channel></rss>`;
}

const [feeds = 200, items = 50, atomEvery = 0] = process.argv.slice(2).map(Number);
const isAtom = (feed: number) => atomEvery > 0 && feed % atomEvery === 0;

interface Document {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

function document(feed: number, generation: number): Document {
  const body = Buffer.from(feedXml(feed, items, generation, isAtom(feed)), 'utf8');
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
      'content-type': isAtom(feed) ? 'application/atom+xml; charset=utf-8' : 'application/rss+xml; charset=utf-8',
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
