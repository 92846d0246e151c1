import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParseError, parseFeed } from '../../src/ingest/parse.js';

const rssNamespaces = [
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
  'xmlns:media="http://search.yahoo.com/mrss/"',
  'xmlns:atom="http://www.w3.org/2005/Atom"',
].join(' ');

function rss2(items: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" ${rssNamespaces}>
  <channel>
    <title>Coast Wire</title><link>https://coast.example/</link><description>News from the coast</description>
    <language>en-gb</language><copyright>© 2026 Coast Wire</copyright>
    ${items}
  </channel>
</rss>`;
}

function atom(entries: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Desk</title><id>urn:uuid:harbour-desk</id><updated>2026-11-18T11:00:00Z</updated>
  <link rel="alternate" href="https://harbour.example/"/>
  ${entries}
</feed>`;
}

/** Asserts that `body` is refused with a ParseError whose message matches `message`. */
async function assertParseError(body: string, message: RegExp): Promise<void> {
  await assert.rejects(parseFeed(body), (err: unknown) => {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.equal(err.name, 'ParseError');
    assert.match(err.message, message);
    return true;
  });
}

describe('parseFeed: RSS 2.0', () => {
  const fullItem = `<item>
    <guid isPermaLink="false">coast-1</guid>
    <title>Barrier &amp; gates tested</title>
    <link>https://coast.example/news/barrier</link>
    <dc:creator>Ana Pérez</dc:creator>
    <pubDate>Tue, 17 Nov 2026 08:15:00 +0100</pubDate>
    <description>Engineers closed the gates for an hour.</description>
    <content:encoded><![CDATA[<p>Engineers <b>closed</b> the gates.</p>]]></content:encoded>
    <category>Environment</category>
    <category domain="https://coast.example/topics">Flooding</category>
    <media:content url="https://coast.example/img/barrier.jpg" type="image/jpeg" medium="image">
      <media:description>The barrier at dawn.</media:description>
      <media:credit>Photo: Lee Moss</media:credit>
    </media:content>
    <atom:link rel="related" href="https://coast.example/news/barrier-plan" title="Barrier plan approved"/>
  </item>`;

  test('reads the channel title, link, language and copyright', async () => {
    const feed = await parseFeed(rss2(fullItem));
    assert.equal(feed.format, 'rss');
    assert.equal(feed.title, 'Coast Wire');
    assert.equal(feed.link, 'https://coast.example/');
    assert.equal(feed.language, 'en-gb');
    assert.equal(feed.rights, '© 2026 Coast Wire');
    assert.equal(feed.entries.length, 1);
  });

  test('an item gives guid, dc:creator, content:encoded as content, description as summary, both category forms, media image with caption and credit, and atom:link related', async () => {
    const feed = await parseFeed(rss2(fullItem));
    assert.deepEqual(feed.entries[0], {
      guid: 'coast-1',
      link: 'https://coast.example/news/barrier',
      title: 'Barrier & gates tested',
      summary: 'Engineers closed the gates for an hour.',
      content: '<p>Engineers <b>closed</b> the gates.</p>',
      author: 'Ana Pérez',
      published: '2026-11-17T07:15:00.000Z',
      updated: undefined,
      categories: ['Environment', 'Flooding'],
      tags: [],
      image: {
        url: 'https://coast.example/img/barrier.jpg',
        type: 'image/jpeg',
        caption: 'The barrier at dawn.',
        credit: 'Photo: Lee Moss',
      },
      related: [{ url: 'https://coast.example/news/barrier-plan', title: 'Barrier plan approved' }],
      rights: undefined,
    });
  });

  test('an image enclosure becomes the image when there is no media:content', async () => {
    const feed = await parseFeed(
      rss2(`<item><guid>coast-2</guid><title>Pier closed</title>
        <enclosure url="https://coast.example/img/pier.jpg" type="image/jpeg" length="20480"/></item>`),
    );
    assert.deepEqual(feed.entries[0]?.image, {
      url: 'https://coast.example/img/pier.jpg',
      type: 'image/jpeg',
      caption: undefined,
      credit: undefined,
    });
  });

  test('media:content wins over an image enclosure', async () => {
    const feed = await parseFeed(
      rss2(`<item><guid>coast-3</guid><title>Both</title>
        <enclosure url="https://coast.example/img/enclosure.jpg" type="image/jpeg" length="1"/>
        <media:content url="https://coast.example/img/media.jpg" medium="image"/></item>`),
    );
    assert.equal(feed.entries[0]?.image?.url, 'https://coast.example/img/media.jpg');
  });

  test('an audio enclosure is not taken as the image', async () => {
    const feed = await parseFeed(
      rss2(`<item><guid>coast-4</guid><title>Podcast</title>
        <enclosure url="https://coast.example/ep1.mp3" type="audio/mpeg" length="1"/></item>`),
    );
    assert.equal(feed.entries[0]?.image, undefined);
  });

  test('a description without content:encoded is the content and leaves the summary empty', async () => {
    const feed = await parseFeed(rss2('<item><guid>coast-5</guid><title>Short</title><description>Only a description.</description></item>'));
    assert.equal(feed.entries[0]?.content, 'Only a description.');
    assert.equal(feed.entries[0]?.summary, undefined);
  });

  test('a leading byte order mark and whitespace are ignored', async () => {
    const feed = await parseFeed(`\uFEFF  \n${rss2('<item><guid>coast-6</guid><title>BOM</title></item>')}`);
    assert.equal(feed.entries[0]?.guid, 'coast-6');
  });

  test(
    'an image taken from media:thumbnail does not get the type of an audio enclosure',
    async () => {
      const feed = await parseFeed(
        rss2(`<item><guid>coast-7</guid><title>Podcast with art</title>
          <enclosure url="https://coast.example/ep2.mp3" type="audio/mpeg" length="1"/>
          <media:thumbnail url="https://coast.example/img/ep2.jpg"/></item>`),
      );
      assert.equal(feed.entries[0]?.image?.url, 'https://coast.example/img/ep2.jpg');
      assert.notEqual(feed.entries[0]?.image?.type, 'audio/mpeg');
    },
  );

  test(
    'a media:content video without a medium attribute is not taken as the image',
    async () => {
      const feed = await parseFeed(
        rss2(`<item><guid>coast-8</guid><title>Video</title>
          <media:content url="https://coast.example/clip.mp4" type="video/mp4"/></item>`),
      );
      assert.equal(feed.entries[0]?.image, undefined);
    },
  );
});

describe('parseFeed: Atom 1.0', () => {
  const entry = `<entry>
    <id>tag:harbour.example,2026:port-reopens</id>
    <title>Port reopens after storm</title>
    <link rel="alternate" type="text/html" href="https://harbour.example/port-reopens"/>
    <link rel="related" href="https://harbour.example/port-closed" title="Port closed by storm"/>
    <link rel="enclosure" type="image/png" href="https://harbour.example/img/port.png"/>
    <category term="transit" label="Transit"/>
    <category term="shipping"/>
    <author><name>Sam Reed</name><email>sam@harbour.example</email></author>
    <summary>The port reopened on Wednesday.</summary>
    <content type="html">&lt;p&gt;The port &lt;b&gt;reopened&lt;/b&gt; on Wednesday.&lt;/p&gt;</content>
    <published>2026-11-18T09:30:00+01:00</published>
    <updated>2026-11-18T11:00:00Z</updated>
  </entry>`;

  test('is recognised as Atom with the feed title and alternate link', async () => {
    const feed = await parseFeed(atom(entry));
    assert.equal(feed.format, 'atom');
    assert.equal(feed.title, 'Harbour Desk');
    assert.equal(feed.link, 'https://harbour.example/');
  });

  test('an entry gives id, alternate link, related link with title, category label else term, author, summary, content, dates and enclosure image', async () => {
    const feed = await parseFeed(atom(entry));
    assert.deepEqual(feed.entries, [
      {
        guid: 'tag:harbour.example,2026:port-reopens',
        link: 'https://harbour.example/port-reopens',
        title: 'Port reopens after storm',
        summary: 'The port reopened on Wednesday.',
        content: '<p>The port <b>reopened</b> on Wednesday.</p>',
        author: 'Sam Reed',
        published: '2026-11-18T08:30:00.000Z',
        updated: '2026-11-18T11:00:00Z',
        categories: ['Transit', 'shipping'],
        tags: [],
        image: { url: 'https://harbour.example/img/port.png', type: 'image/png', caption: undefined, credit: undefined },
        related: [{ url: 'https://harbour.example/port-closed', title: 'Port closed by storm' }],
        rights: undefined,
      },
    ]);
  });

  test(
    'a link without rel is the entry link even when a related link comes first (RFC 4287 section 4.2.7.2)',
    async () => {
      const feed = await parseFeed(
        atom(`<entry><id>urn:e1</id><title>Order</title><updated>2026-11-18T11:00:00Z</updated>
          <link rel="related" href="https://harbour.example/older" title="Older"/>
          <link href="https://harbour.example/this-story"/></entry>`),
      );
      assert.equal(feed.entries[0]?.link, 'https://harbour.example/this-story');
    },
  );
});

describe('parseFeed: RSS 1.0 and 0.91', () => {
  test('an RSS 1.0 (RDF) item takes its date from dc:date as a UTC instant', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://river.example/">
    <title>River Notes</title><link>https://river.example/</link><description>Levels</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://river.example/levels"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://river.example/levels">
    <title>Levels falling</title><link>https://river.example/levels</link>
    <description>The river is falling.</description>
    <dc:date>2026-11-16T07:00:00+02:00</dc:date><dc:creator>Rui Costa</dc:creator>
  </item>
</rdf:RDF>`);
    assert.equal(feed.format, 'rss');
    assert.equal(feed.title, 'River Notes');
    assert.equal(feed.entries.length, 1);
    const [item] = feed.entries;
    assert.equal(item?.link, 'https://river.example/levels');
    assert.equal(item?.title, 'Levels falling');
    assert.equal(item?.content, 'The river is falling.');
    assert.equal(item?.author, 'Rui Costa');
    assert.equal(item?.published, '2026-11-16T05:00:00.000Z');
  });

  test('an RSS 0.91 item without guid or date gives link, title and description', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel>
  <title>Old Town Gazette</title><link>https://old.example/</link><description>Gazette</description><language>en-us</language>
  <item><title>Bridge repainted</title><link>https://old.example/bridge</link><description>Fresh paint.</description></item>
</channel></rss>`);
    assert.equal(feed.format, 'rss');
    assert.equal(feed.language, 'en-us');
    assert.deepEqual(feed.entries, [
      {
        guid: undefined,
        link: 'https://old.example/bridge',
        title: 'Bridge repainted',
        summary: undefined,
        content: 'Fresh paint.',
        author: undefined,
        published: undefined,
        updated: undefined,
        categories: [],
        tags: [],
        image: undefined,
        related: [],
        rights: undefined,
      },
    ]);
  });
});

describe('parseFeed: JSON Feed', () => {
  test('a JSON Feed 1.1 item gives authors, tags as categories, image, and content_text as escaped HTML paragraphs', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Valley Post',
        home_page_url: 'https://valley.example/',
        language: 'en',
        items: [
          {
            id: 'valley-1',
            url: 'https://valley.example/dam',
            title: 'Dam inspected',
            summary: 'Inspectors visited the dam.',
            content_text: 'Engineers said "5 < 6 & 7 > 2".\n\nA second paragraph.',
            date_published: '2026-11-15T12:00:00Z',
            date_modified: '2026-11-15T13:00:00Z',
            authors: [{ name: 'Mia Lund', url: 'https://valley.example/mia' }, { name: 'Second Author' }],
            tags: ['Energy', 'Dams'],
            image: 'https://valley.example/img/dam.jpg',
          },
        ],
      }),
    );
    assert.equal(feed.format, 'json');
    assert.equal(feed.title, 'Valley Post');
    assert.equal(feed.link, 'https://valley.example/');
    assert.equal(feed.language, 'en');
    assert.deepEqual(feed.entries, [
      {
        guid: 'valley-1',
        link: 'https://valley.example/dam',
        title: 'Dam inspected',
        summary: 'Inspectors visited the dam.',
        content: '<p>Engineers said "5 &lt; 6 &amp; 7 &gt; 2".</p><p>A second paragraph.</p>',
        author: 'Mia Lund',
        published: '2026-11-15T12:00:00Z',
        updated: '2026-11-15T13:00:00Z',
        categories: ['Energy', 'Dams'],
        tags: [],
        image: { url: 'https://valley.example/img/dam.jpg' },
        related: [],
      },
    ]);
  });

  test('a JSON Feed 1.0 item takes its author object, a numeric id as text, external_url as link and an image attachment', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        title: 'Old Valley',
        items: [
          {
            id: 7,
            external_url: 'https://elsewhere.example/story',
            title: 'Linked story',
            content_html: '<p>Hi</p>',
            author: { name: 'Ola Berg' },
            attachments: [
              { url: 'https://valley.example/a.mp3', mime_type: 'audio/mpeg' },
              { url: 'https://valley.example/a.png', mime_type: 'image/png' },
            ],
          },
        ],
      }),
    );
    assert.equal(feed.format, 'json');
    const [item] = feed.entries;
    assert.equal(item?.guid, '7');
    assert.equal(item?.link, 'https://elsewhere.example/story');
    assert.equal(item?.content, '<p>Hi</p>');
    assert.equal(item?.author, 'Ola Berg');
    assert.deepEqual(item?.image, { url: 'https://valley.example/a.png', type: 'image/png' });
  });
});

describe('parseFeed: errors', () => {
  const cases: { name: string; body: string; message: RegExp }[] = [
    {
      name: 'XML that is not well-formed',
      body: '<rss version="2.0"><channel><title>Broken & bad</title><item></channel>',
      message: /^parse: not a readable feed: /,
    },
    { name: 'an HTML page', body: '<!doctype html><html><body>Hello</body></html>', message: /^parse: not a readable feed: / },
    {
      name: 'JSON that is not a JSON Feed',
      body: JSON.stringify({ hello: 'world', items: [] }),
      message: /^parse: JSON document is not a JSON Feed/,
    },
    {
      name: 'a JSON Feed version without items',
      body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'No items' }),
      message: /^parse: JSON document is not a JSON Feed/,
    },
    { name: 'JSON that does not parse', body: '{ "version": ', message: /^parse: not valid JSON: / },
    { name: 'plain text', body: 'Service Unavailable', message: /^parse: the document is neither XML nor JSON$/ },
    { name: 'an empty body', body: '', message: /^parse: the document is neither XML nor JSON$/ },
  ];
  for (const c of cases) {
    test(`${c.name} is refused with a ParseError starting "parse:"`, async () => {
      await assertParseError(c.body, c.message);
    });
  }
});
