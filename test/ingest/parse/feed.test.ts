import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFeed } from '../../../src/ingest/parse/feed.js';
import { ParseError } from '../../../src/ingest/parse/parsed.js';

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
      published: 'Tue, 17 Nov 2026 08:15:00 +0100',
      updated: undefined,
      categories: ['Environment', 'Flooding'],
      tags: [],
      image: {
        url: 'https://coast.example/img/barrier.jpg',
        type: 'image/jpeg',
        caption: 'The barrier at dawn.',
        credit: 'Photo: Lee Moss',
      },
      enclosures: [],
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

  test('an image enclosure after an audio one is the image; both are read as enclosures', async () => {
    const feed = await parseFeed(
      rss2(`<item><guid>coast-4b</guid><title>Podcast with a cover</title>
        <enclosure url="https://coast.example/ep1b.mp3" type="audio/mpeg" length="1"/>
        <enclosure url="https://coast.example/img/ep1b.jpg" type="image/jpeg" length="2"/></item>`),
    );
    assert.equal(feed.entries[0]?.image?.url, 'https://coast.example/img/ep1b.jpg');
    assert.deepEqual(
      feed.entries[0]?.enclosures?.map((e) => [e.url, e.type, e.length]),
      [
        ['https://coast.example/ep1b.mp3', 'audio/mpeg', '1'],
        ['https://coast.example/img/ep1b.jpg', 'image/jpeg', '2'],
      ],
    );
  });

  test('an untyped enclosure is the image only when its file name is a picture', async () => {
    const feed = await parseFeed(
      rss2(`<item><guid>coast-4c</guid><title>Untyped sound</title><enclosure url="https://coast.example/ep1c.mp3" length="1"/></item>
        <item><guid>coast-4d</guid><title>Untyped picture</title><enclosure url="https://coast.example/img/4d.png" length="1"/></item>`),
    );
    assert.deepEqual(
      feed.entries.map((e) => e.image?.url),
      [undefined, 'https://coast.example/img/4d.png'],
    );
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
        published: '2026-11-18T09:30:00+01:00',
        updated: '2026-11-18T11:00:00Z',
        categories: ['Transit', 'shipping'],
        tags: [],
        image: { url: 'https://harbour.example/img/port.png', type: 'image/png', caption: undefined, credit: undefined },
        enclosures: [{ url: 'https://harbour.example/img/port.png', type: 'image/png', length: undefined, title: undefined }],
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

describe('parseFeed: RSS 1.0, 0.91 and 0.92', () => {
  test('an RSS 1.0 (RDF) item gives title, link, description, dc:creator and dc:date as written', async () => {
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
    assert.equal(item?.published, '2026-11-16T07:00:00+02:00');
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
        enclosures: [],
        related: [],
        rights: undefined,
      },
    ]);
  });

  test('an RSS 0.92 item gives title, link, escaped-HTML description as content, category and image enclosure', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<rss version="0.92"><channel>
  <title>Hill Courier</title><link>https://hill.example/</link><description>Courier</description>
  <item>
    <title>Road reopened</title><link>https://hill.example/road</link>
    <description>The &lt;b&gt;north&lt;/b&gt; road reopened.</description>
    <category>Transport</category>
    <enclosure url="https://hill.example/road.jpg" length="2048" type="image/jpeg"/>
  </item>
</channel></rss>`);
    assert.equal(feed.format, 'rss');
    assert.equal(feed.title, 'Hill Courier');
    const [item] = feed.entries;
    assert.equal(item?.title, 'Road reopened');
    assert.equal(item?.link, 'https://hill.example/road');
    assert.equal(item?.content, 'The <b>north</b> road reopened.');
    assert.deepEqual(item?.categories, ['Transport']);
    assert.equal(item?.image?.url, 'https://hill.example/road.jpg');
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
        enclosures: [],
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

describe('parseFeed: dates are handed to normalize as written', () => {
  const cases: { name: string; body: string; published: (string | undefined)[]; updated?: (string | undefined)[] }[] = [
    {
      name: 'an RSS pubDate in a zone V8 does not know (CEST) is kept, not lost',
      body: rss2('<item><guid>d1</guid><title>Zone</title><pubDate>Tue, 17 Nov 2026 08:15:00 CEST</pubDate></item>'),
      published: ['Tue, 17 Nov 2026 08:15:00 CEST'],
    },
    {
      name: 'an RSS item without pubDate takes dc:date',
      body: rss2('<item><guid>d2</guid><title>DC</title><dc:date>2026-11-17T08:15:00Z</dc:date></item>'),
      published: ['2026-11-17T08:15:00Z'],
    },
    {
      name: 'a zone-less Atom published date is not read in the host time zone',
      body: atom('<entry><id>urn:d3</id><title>Local</title><published>2026-11-18T09:30:00</published><updated>2026-11-18T10:00:00</updated></entry>'),
      published: ['2026-11-18T09:30:00'],
      updated: ['2026-11-18T10:00:00'],
    },
    {
      name: 'an Atom entry with an unreadable published date does not lose the feed or its other entries',
      body: atom(`<entry><id>urn:d4</id><title>Bad date</title><published>last Tuesday</published><updated>soon</updated></entry>
        <entry><id>urn:d5</id><title>Good date</title><updated>2026-11-18T11:00:00Z</updated></entry>`),
      published: ['last Tuesday', undefined],
      updated: ['soon', '2026-11-18T11:00:00Z'],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const feed = await parseFeed(c.body);
      assert.deepEqual(feed.entries.map((e) => e.published), c.published);
      if (c.updated) assert.deepEqual(feed.entries.map((e) => e.updated), c.updated);
    });
  }
});

describe('parseFeed: the author of an entry', () => {
  const itunes = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
  const cases: { name: string; body: string; author: string | undefined }[] = [
    {
      name: 'RSS dc:creator',
      body: rss2('<item><guid>a1</guid><title>T</title><dc:creator>Ana Pérez</dc:creator></item>'),
      author: 'Ana Pérez',
    },
    {
      name: 'RSS author in its "email (Name)" form, as written for normalize',
      body: rss2('<item><guid>a2</guid><title>T</title><author>ana@coast.example (Ana Pérez)</author></item>'),
      author: 'ana@coast.example (Ana Pérez)',
    },
    {
      name: 'dc:creator before RSS author',
      body: rss2('<item><guid>a3</guid><title>T</title><author>desk@coast.example</author><dc:creator>Ana Pérez</dc:creator></item>'),
      author: 'Ana Pérez',
    },
    {
      name: 'the first of several dc:creator elements',
      body: rss2('<item><guid>a4</guid><title>T</title><dc:creator>Ana Pérez</dc:creator><dc:creator>Lee Moss</dc:creator></item>'),
      author: 'Ana Pérez',
    },
    {
      name: 'itunes:author when there is no other',
      body: rss2(`<item ${itunes}><guid>a5</guid><title>T</title><itunes:author>Coast Wire Podcasts</itunes:author></item>`),
      author: 'Coast Wire Podcasts',
    },
    {
      name: 'RSS author before itunes:author',
      body: rss2(`<item ${itunes}><guid>a6</guid><title>T</title><itunes:author>Podcasts</itunes:author><author>ana@coast.example (Ana Pérez)</author></item>`),
      author: 'ana@coast.example (Ana Pérez)',
    },
    {
      name: 'Atom author name',
      body: atom('<entry><id>urn:a7</id><title>T</title><author><name>Sam Reed</name></author></entry>'),
      author: 'Sam Reed',
    },
    {
      name: 'the first name of an Atom entry with several authors',
      body: atom('<entry><id>urn:a8</id><title>T</title><author><name>Sam Reed</name></author><author><name>Jo Park</name></author></entry>'),
      author: 'Sam Reed',
    },
    {
      name: 'the first named Atom author when the first has only an email',
      body: atom('<entry><id>urn:a9</id><title>T</title><author><email>desk@harbour.example</email></author><author><name>Jo Park</name></author></entry>'),
      author: 'Jo Park',
    },
    {
      name: 'JSON Feed 1.1 authors: the first named',
      body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [{ id: 'a10', authors: [{ url: 'https://x.example/' }, { name: 'Mia Lund' }] }] }),
      author: 'Mia Lund',
    },
    {
      name: 'no author element at all',
      body: rss2('<item><guid>a11</guid><title>T</title></item>'),
      author: undefined,
    },
  ];
  for (const c of cases) {
    test(`the author comes from ${c.name}`, async () => {
      assert.equal((await parseFeed(c.body)).entries[0]?.author, c.author);
    });
  }
});

describe('parseFeed: the image of an entry', () => {
  const figure =
    '<p>Intro.</p><figure><img src="https://coast.example/img/gates.jpg" alt="Gates">' +
    '<figcaption>The gates close at dusk. (AP Photo/Lee Moss)</figcaption></figure>';
  const cases: { name: string; body: string; image: unknown }[] = [
    {
      name: 'a figure in content:encoded gives the image, its figcaption the caption and the credit split off',
      body: rss2(`<item><guid>i1</guid><title>T</title><content:encoded><![CDATA[${figure}]]></content:encoded></item>`),
      image: { url: 'https://coast.example/img/gates.jpg', caption: 'The gates close at dusk.', credit: 'AP Photo/Lee Moss' },
    },
    {
      name: 'the first image of a description when there is no figure, skipping a 1x1 tracking pixel',
      body: rss2(`<item><guid>i2</guid><title>T</title><description><![CDATA[<img src="https://t.example/p.gif" width="1" height="1"><p><img src="/img/pier.jpg"></p>]]></description></item>`),
      image: { url: '/img/pier.jpg', caption: undefined, credit: undefined },
    },
    {
      name: 'media:content wins over an image of the content',
      body: rss2(`<item><guid>i3</guid><title>T</title><media:content url="https://coast.example/img/media.jpg" medium="image"/>
        <content:encoded><![CDATA[${figure}]]></content:encoded></item>`),
      image: { url: 'https://coast.example/img/media.jpg', type: undefined, caption: undefined, credit: undefined },
    },
    {
      name: 'an image enclosure wins over an image of the content',
      body: rss2(`<item><guid>i4</guid><title>T</title><enclosure url="https://coast.example/img/e.jpg" type="image/jpeg" length="1"/>
        <content:encoded><![CDATA[${figure}]]></content:encoded></item>`),
      image: { url: 'https://coast.example/img/e.jpg', type: 'image/jpeg', caption: undefined, credit: undefined },
    },
    {
      name: 'an image media:content inside media:group, with its description and credit',
      body: rss2(`<item><guid>i5</guid><title>T</title><media:group>
        <media:content url="https://coast.example/clip.mp4" medium="video"/>
        <media:content url="https://coast.example/img/still.jpg" medium="image" type="image/jpeg">
          <media:description>A still.</media:description><media:credit>Lee Moss</media:credit></media:content>
      </media:group></item>`),
      image: { url: 'https://coast.example/img/still.jpg', type: 'image/jpeg', caption: 'A still.', credit: 'Lee Moss' },
    },
    {
      name: 'a figcaption with markup characters stays HTML text, as every text field of a ParsedEntry',
      body: rss2(`<item><guid>i6</guid><title>T</title><content:encoded><![CDATA[<figure><img src="a.jpg"><figcaption>AT&amp;T &lt;Live&gt; stage</figcaption></figure>]]></content:encoded></item>`),
      image: { url: 'a.jpg', caption: 'AT&amp;T &lt;Live&gt; stage', credit: undefined },
    },
    {
      name: 'an Atom HTML content image',
      body: atom('<entry><id>urn:i7</id><title>T</title><content type="html">&lt;p&gt;&lt;img src="https://harbour.example/p.png"&gt;&lt;/p&gt;</content></entry>'),
      image: { url: 'https://harbour.example/p.png', caption: undefined, credit: undefined },
    },
    {
      name: 'a JSON Feed content_html figure when the item has no image',
      body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [{ id: 'i8', content_html: figure }] }),
      image: { url: 'https://coast.example/img/gates.jpg', caption: 'The gates close at dusk.', credit: 'AP Photo/Lee Moss' },
    },
    {
      name: 'nothing when the content has only a tracking pixel',
      body: rss2('<item><guid>i9</guid><title>T</title><description><![CDATA[<p>Text<img src="https://t.example/p.gif" width="0" height="0"></p>]]></description></item>'),
      image: undefined,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.deepEqual((await parseFeed(c.body)).entries[0]?.image, c.image);
    });
  }
});

describe('parseFeed: one document does not affect the next', () => {
  test('after a document with several errors, a document that is not well-formed is still refused', async () => {
    // Two stray closing tags: two errors in one document.
    await assertParseError(rss2('<item><guid>e1</guid><title>one</b> and two</i></title></item>'), /^parse: not a readable feed: /);
    await assertParseError(rss2('<item><guid>e2</guid><title>three</b></title></item>'), /^parse: not a readable feed: /);
    await assertParseError('<rss version="2.0"><channel><title>Cut off', /^parse: not a readable feed: /);
  });
});
