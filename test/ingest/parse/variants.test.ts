// Feed variants that the Universal Feed Parser reads and rss-parser alone
// refuses or misreads: RSS without a version, RSS without a channel, dates
// under DCMI Terms names, and Atom 0.3. Fixtures written for wirefeed, after
// the classes the feedparser, gofeed and SimplePie suites cover.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFeed } from '../../../src/ingest/parse/feed.js';
import { ParseError } from '../../../src/ingest/parse/parsed.js';

function rssWith(rootAttrs: string, items = '<item><title>Ferry runs late</title><link>https://pier.example/ferry</link></item>'): string {
  return `<?xml version="1.0"?>
<rss${rootAttrs}><channel><title>Pier Notes</title><link>https://pier.example/</link><description>d</description>
${items}
</channel></rss>`;
}

describe('parseFeed: <rss> whatever its version says', () => {
  const cases: { name: string; attrs: string }[] = [
    { name: 'no version attribute', attrs: '' },
    { name: 'an empty version', attrs: ' version=""' },
    { name: 'version 0.91', attrs: ' version="0.91"' },
    { name: 'version 0.92', attrs: ' version="0.92"' },
    { name: 'version 0.93', attrs: ' version="0.93"' },
    { name: 'version 0.94', attrs: ' version="0.94"' },
    { name: 'version "1.0" on an <rss> root', attrs: ' version="1.0"' },
    { name: 'an odd version "RSS2"', attrs: ' version="RSS2"' },
    { name: 'a version with spaces " 2.0 "', attrs: ' version=" 2.0 "' },
    { name: 'no version but namespaces', attrs: ' xmlns:dc="http://purl.org/dc/elements/1.1/"' },
  ];
  for (const c of cases) {
    test(`${c.name}: read as RSS with its title, link and item`, async () => {
      const feed = await parseFeed(rssWith(c.attrs));
      assert.equal(feed.format, 'rss');
      assert.equal(feed.title, 'Pier Notes');
      assert.equal(feed.link, 'https://pier.example/');
      assert.deepEqual(
        feed.entries.map((e) => [e.title, e.link]),
        [['Ferry runs late', 'https://pier.example/ferry']],
      );
    });
  }

  test('RSS 1.0 with the RSS namespace as default and without it: the same two items', async () => {
    for (const defaultNs of ['xmlns="http://purl.org/rss/1.0/"', '']) {
      const feed = await parseFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ${defaultNs}>
  <channel rdf:about="https://moor.example/"><title>Moor Log</title><link>https://moor.example/</link><description>d</description></channel>
  <item rdf:about="https://moor.example/1"><title>One</title><link>https://moor.example/1</link></item>
  <item rdf:about="https://moor.example/2"><title>Two</title><link>https://moor.example/2</link></item>
</rdf:RDF>`);
      assert.equal(feed.title, 'Moor Log', defaultNs);
      assert.deepEqual(
        feed.entries.map((e) => e.link),
        ['https://moor.example/1', 'https://moor.example/2'],
      );
    }
  });
});

describe('parseFeed: <rss> without a <channel>', () => {
  test('items directly under <rss> are read, with the title beside them', async () => {
    const feed = await parseFeed(`<rss version="2.0"><title>Loose Items</title>
      <item><title>First</title><link>https://loose.example/1</link></item>
      <item><title>Second</title><link>https://loose.example/2</link></item></rss>`);
    assert.equal(feed.title, 'Loose Items');
    assert.deepEqual(
      feed.entries.map((e) => e.title),
      ['First', 'Second'],
    );
  });

  test('items under a version-less <rss> are read', async () => {
    const feed = await parseFeed('<rss><item><title>Only</title><link>https://loose.example/only</link></item></rss>');
    assert.deepEqual(
      feed.entries.map((e) => e.link),
      ['https://loose.example/only'],
    );
  });

  test('RSS 1.0 items without a channel are read', async () => {
    const feed = await parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <item rdf:about="https://moor.example/9"><title>Nine</title><link>https://moor.example/9</link></item></rdf:RDF>`);
    assert.deepEqual(
      feed.entries.map((e) => e.title),
      ['Nine'],
    );
  });

  const empty = [
    { name: 'an empty <rss></rss>', body: '<rss version="2.0"></rss>' },
    { name: 'a self-closed <rss/>', body: '<?xml version="1.0"?><rss version="2.0"/>' },
    { name: 'an <rss> with a title and nothing else', body: '<rss><title>Nothing here</title></rss>' },
  ];
  for (const c of empty) {
    test(`${c.name} is a clear ParseError, not an internal error text`, async () => {
      await assert.rejects(parseFeed(c.body), (err: unknown) => {
        assert.ok(err instanceof ParseError);
        assert.equal(err.message, 'parse: an RSS document with no channel and no items');
        return true;
      });
    });
  }
});

describe('parseFeed: dates under other names', () => {
  const dcterms = 'xmlns:dcterms="http://purl.org/dc/terms/"';
  const cases: { name: string; item: string; published?: string; updated?: string }[] = [
    { name: 'dcterms:issued is the publication date', item: '<dcterms:issued>2026-10-01T08:00:00Z</dcterms:issued>', published: '2026-10-01T08:00:00Z' },
    { name: 'dcterms:created is the publication date when there is no other', item: '<dcterms:created>2026-10-02T08:00:00Z</dcterms:created>', published: '2026-10-02T08:00:00Z' },
    { name: 'dcterms:modified is the update date', item: '<dcterms:modified>2026-10-03T08:00:00Z</dcterms:modified>', updated: '2026-10-03T08:00:00Z' },
    {
      name: 'dcterms:issued wins over dcterms:created, pubDate over both',
      item: '<dcterms:created>2026-10-02T08:00:00Z</dcterms:created><dcterms:issued>2026-10-04T08:00:00Z</dcterms:issued>',
      published: '2026-10-04T08:00:00Z',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const feed = await parseFeed(rssWith(` version="2.0" ${dcterms}`, `<item><title>T</title>${c.item}</item>`));
      assert.equal(feed.entries[0]?.published, c.published);
      assert.equal(feed.entries[0]?.updated, c.updated);
    });
  }

  test('pubDate wins over dcterms dates', async () => {
    const feed = await parseFeed(
      rssWith(` version="2.0" ${dcterms}`, '<item><title>T</title><dcterms:issued>2026-10-04T08:00:00Z</dcterms:issued><pubDate>Mon, 05 Oct 2026 08:00:00 GMT</pubDate></item>'),
    );
    assert.equal(feed.entries[0]?.published, 'Mon, 05 Oct 2026 08:00:00 GMT');
  });
});

describe('parseFeed: Atom 0.3', () => {
  const atom03 = (entries: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en">
  <title mode="escaped">Lighthouse Journal</title>
  <link rel="alternate" type="text/html" href="https://lighthouse.example/"/>
  <modified>2026-09-30T12:00:00Z</modified>
  <copyright>Keepers' Guild</copyright>
  ${entries}
</feed>`;

  test('feed title and link, entry title, link, id, author and dates issued/modified', async () => {
    const feed = await parseFeed(
      atom03(`<entry>
    <title>Lamp replaced</title>
    <link rel="alternate" type="text/html" href="https://lighthouse.example/lamp"/>
    <id>tag:lighthouse.example,2026:lamp</id>
    <author><name>Ida Berg</name></author>
    <issued>2026-09-29T20:00:00+02:00</issued>
    <modified>2026-09-30T09:00:00Z</modified>
    <created>2026-09-29T17:00:00Z</created>
    <summary>A new lamp.</summary>
  </entry>`),
    );
    assert.equal(feed.format, 'atom');
    assert.equal(feed.title, 'Lighthouse Journal');
    assert.equal(feed.link, 'https://lighthouse.example/');
    assert.equal(feed.rights, "Keepers' Guild");
    const [e] = feed.entries;
    assert.equal(e?.title, 'Lamp replaced');
    assert.equal(e?.link, 'https://lighthouse.example/lamp');
    assert.equal(e?.guid, 'tag:lighthouse.example,2026:lamp');
    assert.equal(e?.author, 'Ida Berg');
    assert.equal(e?.published, '2026-09-29T20:00:00+02:00');
    assert.equal(e?.updated, '2026-09-30T09:00:00Z');
  });

  test('an entry with only created takes it as the publication date', async () => {
    const feed = await parseFeed(atom03('<entry><title>Fog</title><id>urn:fog</id><created>2026-09-28T06:00:00Z</created></entry>'));
    assert.equal(feed.entries[0]?.published, '2026-09-28T06:00:00Z');
  });

  test('escaped content is the HTML it escapes; base64 content is decoded', async () => {
    const html = '<p>Beam <b>restored</b> — café</p>';
    const feed = await parseFeed(
      atom03(`<entry><title>Escaped</title><id>urn:e</id><content type="text/html" mode="escaped">&lt;p&gt;Beam &lt;b&gt;restored&lt;/b&gt; — café&lt;/p&gt;</content></entry>
  <entry><title>Base64</title><id>urn:b</id><content type="text/html" mode="base64">${Buffer.from(html).toString('base64')}</content></entry>`),
    );
    assert.deepEqual(
      feed.entries.map((e) => e.content),
      [html, html],
    );
  });
});
