// Upstream feeds the Universal Feed Parser reads and rss-parser alone does
// not. Known namespaces under prefixes of their own: Atom with `atom:` on
// every element, .NET's `a10:` for Atom links and dates in RSS, RSS 1.0 as
// `r:RDF` with `rss:` elements and Dublin Core as `meta:`; each item keeps
// its own link and date when published (before, the links fell back to the
// site's page and the items merged as one story). A feed with stray "&"
// and an undeclared entity, which is not well-formed XML. Element names in
// capitals, and Microsoft's Channel Definition Format.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { withUsualPrefixes } from '../../src/ingest/parse/xml/namespaces.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const PREFIXED_ATOM = `<?xml version="1.0" encoding="utf-8"?>
<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>Harbour Log</atom:title><atom:id>urn:x:harbour</atom:id>
<atom:updated>2026-11-20T08:00:00Z</atom:updated><atom:link href="https://harbour.example/"/>
<atom:entry><atom:title>Ferry timetable changes</atom:title><atom:link href="https://harbour.example/ferry"/><atom:id>urn:x:h1</atom:id><atom:updated>2026-11-20T07:00:00Z</atom:updated><atom:content type="html">&lt;p&gt;From Monday.&lt;/p&gt;</atom:content></atom:entry>
<atom:entry><atom:title>Pier repairs finish early</atom:title><atom:link href="https://harbour.example/pier"/><atom:id>urn:x:h2</atom:id><atom:published>2026-11-19T07:00:00Z</atom:published><atom:updated>2026-11-19T09:00:00Z</atom:updated></atom:entry>
</atom:feed>`;

const DOTNET_RSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:a10="http://www.w3.org/2005/Atom"><channel><title>Council</title><link>https://council.example/</link><description>d</description>
<item><guid isPermaLink="false">c-1</guid><a10:link href="https://council.example/budget"/><title>Budget vote delayed</title><a10:updated>2026-11-20T06:00:00Z</a10:updated></item>
<item><guid isPermaLink="false">c-2</guid><a10:link href="https://council.example/parks"/><title>New parks plan</title><a10:updated>2026-11-18T06:00:00Z</a10:updated></item>
</channel></rss>`;

const PREFIXED_RDF = `<?xml version="1.0"?>
<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/" xmlns:meta="http://purl.org/dc/elements/1.1/">
<rss:channel r:about="https://library.example/"><rss:title>Library</rss:title><rss:link>https://library.example/</rss:link><rss:description>d</rss:description></rss:channel>
<rss:item r:about="https://library.example/hours"><rss:title>Winter opening hours</rss:title><rss:link>https://library.example/hours</rss:link><meta:date>2026-11-17T08:15:00Z</meta:date></rss:item>
</r:RDF>`;

const STRAY_AMPERSANDS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Deli & Co</title><link>https://deli.example/</link><description>d</description>
<item><title>Salt & Pepper &mdash; the &unknown; menu, 2 < 3</title><link>https://deli.example/menu?day=1&lang=en</link><guid>deli-1</guid>
<description><![CDATA[<p>Fish & chips</p>]]></description></item>
</channel></rss>`;

const CAPITALS = `<?xml version="1.0"?>
<RSS VERSION="2.0"><CHANNEL><TITLE>Shouty</TITLE><LINK>https://shouty.example/</LINK>
<ITEM><TITLE>Loud news</TITLE><LINK>https://shouty.example/loud</LINK><PUBDATE>Fri, 20 Nov 2026 08:00:00 GMT</PUBDATE></ITEM></CHANNEL></RSS>`;

const CDF = `<?xml version="1.0"?>
<CHANNEL HREF="https://intranet.example/"><TITLE>Intranet</TITLE>
<ITEM HREF="https://intranet.example/canteen" LASTMOD="2026-11-19T12:30"><TITLE>Canteen menu</TITLE></ITEM>
</CHANNEL>`;

const LEADING_WARNING = `Notice: Undefined index: page in /var/www/feed.php on line 3
<?xml version="1.0"?><rss version="2.0"><channel><title>Noisy</title><link>https://noisy.example/</link>
<item><title>Feed behind a PHP notice</title><link>https://noisy.example/1</link><pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

describe('awkward upstream feeds', () => {
  let server: FixtureServer;
  let ctx: TestContext;

  before(async () => {
    server = await serveFixtures({
      '/harbour.atom': { body: PREFIXED_ATOM, type: 'application/atom+xml' },
      '/council.rss': { body: DOTNET_RSS, type: 'application/rss+xml' },
      '/library.rdf': { body: PREFIXED_RDF, type: 'application/rdf+xml' },
      '/deli.rss': { body: STRAY_AMPERSANDS, type: 'application/rss+xml' },
      '/shouty.rss': { body: CAPITALS, type: 'application/rss+xml' },
      '/intranet.cdf': { body: CDF, type: 'application/xml' },
      '/noisy.rss': { body: LEADING_WARNING, type: 'application/rss+xml' },
    });
    ctx = testContext(
      configWithSources(
        [
          `  - { slug: harbour, name: Harbour, url: "${server.url}/harbour.atom" }`,
          `  - { slug: council, name: Council, url: "${server.url}/council.rss" }`,
          `  - { slug: library, name: Library, url: "${server.url}/library.rdf" }`,
          `  - { slug: deli, name: Deli, url: "${server.url}/deli.rss" }`,
          `  - { slug: shouty, name: Shouty, url: "${server.url}/shouty.rss" }`,
          `  - { slug: intranet, name: Intranet, url: "${server.url}/intranet.cdf" }`,
          `  - { slug: noisy, name: Noisy, url: "${server.url}/noisy.rss" }`,
        ].join('\n'),
      ),
    );
    await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  const items = async (slug: string) =>
    ((await request(createApp(ctx)).get(`/feeds/sources/${slug}.json`).expect(200)).body.items as { title: string; url: string; date_published: string }[])
      .map((i) => ({ title: i.title, url: i.url, date: i.date_published }))
      .sort((a, b) => a.title.localeCompare(b.title));

  test('Atom with atom: on every element is read whole', async () => {
    assert.deepEqual(await items('harbour'), [
      { title: 'Ferry timetable changes', url: 'https://harbour.example/ferry', date: '2026-11-20T07:00:00.000Z' },
      { title: 'Pier repairs finish early', url: 'https://harbour.example/pier', date: '2026-11-19T07:00:00.000Z' },
    ]);
  });

  test('RSS with a10: Atom links and dates gives each item its own link and date', async () => {
    assert.deepEqual(await items('council'), [
      { title: 'Budget vote delayed', url: 'https://council.example/budget', date: '2026-11-20T06:00:00.000Z' },
      { title: 'New parks plan', url: 'https://council.example/parks', date: '2026-11-18T06:00:00.000Z' },
    ]);
  });

  test('RSS 1.0 under r: and rss:, with Dublin Core under meta:', async () => {
    assert.deepEqual(await items('library'), [{ title: 'Winter opening hours', url: 'https://library.example/hours', date: '2026-11-17T08:15:00.000Z' }]);
  });

  test('element names in capitals are read case-blind', async () => {
    assert.deepEqual(await items('shouty'), [{ title: 'Loud news', url: 'https://shouty.example/loud', date: '2026-11-20T08:00:00.000Z' }]);
  });

  test('a CDF channel gives its items with their HREF and LASTMOD', async () => {
    assert.deepEqual(await items('intranet'), [{ title: 'Canteen menu', url: 'https://intranet.example/canteen', date: '2026-11-19T12:30:00.000Z' }]);
  });

  test('text printed before the XML declaration is skipped', async () => {
    assert.deepEqual(await items('noisy'), [{ title: 'Feed behind a PHP notice', url: 'https://noisy.example/1', date: '2026-11-20T09:00:00.000Z' }]);
  });

  test('stray "&" and "<" and an undeclared entity are read as text, not a refused feed', async () => {
    const res = await request(createApp(ctx)).get('/feeds/sources/deli.json').expect(200);
    const item = res.body.items[0];
    assert.equal(item?.title, 'Salt & Pepper — the &unknown; menu, 2 < 3');
    assert.equal(item?.url, 'https://deli.example/menu?day=1&lang=en');
    assert.match(item?.content_html ?? '', /Fish &amp; chips/);
  });
});

describe('withUsualPrefixes', () => {
  test('a document with the usual prefixes is returned as it is', () => {
    const xml = '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel/></rss>';
    assert.equal(withUsualPrefixes(xml), xml);
  });

  test('a usual prefix held by another namespace is not merged with it', () => {
    const xml = '<rss xmlns:dc="urn:not-dublin-core" xmlns:meta="http://purl.org/dc/elements/1.1/"><channel><item><meta:date>x</meta:date></item></channel></rss>';
    assert.equal(withUsualPrefixes(xml), xml);
  });

  test('CDATA is text: a prefixed tag inside it is left alone', () => {
    const xml = '<rss xmlns:a10="http://www.w3.org/2005/Atom"><channel><item><a10:link href="h"/><description><![CDATA[<a10:link> is .NET]]></description></item></channel></rss>';
    assert.equal(
      withUsualPrefixes(xml),
      '<rss xmlns:a10="http://www.w3.org/2005/Atom"><channel><item><atom:link href="h"/><description><![CDATA[<a10:link> is .NET]]></description></item></channel></rss>',
    );
  });

  test('Atom under a prefix in an Atom document loses the prefix, closing tags too', () => {
    assert.equal(
      withUsualPrefixes('<?xml version="1.0"?><x:feed xmlns:x="http://www.w3.org/2005/Atom"><x:title>T</x:title></x:feed>'),
      '<?xml version="1.0"?><feed xmlns:x="http://www.w3.org/2005/Atom"><title>T</title></feed>',
    );
  });
});
