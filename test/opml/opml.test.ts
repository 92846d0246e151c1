import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Category } from '../../src/model.js';
import { planImport, sourceSlug } from '../../src/opml/import.js';
import { type OpmlFeed, OpmlError, readOpml, writeOpml } from '../../src/opml/opml.js';
import type { ExistingSource } from '../../src/store/source-admin.js';

const opml = (body: string, head = '<head><title>My feeds</title></head>') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">${head}<body>${body}</body></opml>`;

const feed = (fields: Partial<OpmlFeed>): OpmlFeed => ({ name: undefined, xmlUrl: undefined, htmlUrl: undefined, categories: [], ...fields });

describe('readOpml', () => {
  const cases: { name: string; xml: string; expected: OpmlFeed[] }[] = [
    {
      name: 'an OPML 1.0 list: one feed per outline with type="rss", name from text',
      xml: `<opml version="1.0"><head><title>x</title></head><body>
        <outline type="rss" text="Harbor Wire" xmlUrl="https://harborwire.example/feed.xml" htmlUrl="https://harborwire.example/"/>
        <outline type="rss" text="Civic Pulse" xmlUrl="https://civicpulse.example/feed.json"/>
      </body></opml>`,
      expected: [
        feed({ name: 'Harbor Wire', xmlUrl: 'https://harborwire.example/feed.xml', htmlUrl: 'https://harborwire.example/' }),
        feed({ name: 'Civic Pulse', xmlUrl: 'https://civicpulse.example/feed.json' }),
      ],
    },
    {
      name: 'the title is the name when there is one, else the text',
      xml: opml('<outline type="rss" text="hw" title="Harbor Wire" xmlUrl="https://h.example/f"/>'),
      expected: [feed({ name: 'Harbor Wire', xmlUrl: 'https://h.example/f' })],
    },
    {
      name: 'an outline with an xmlUrl is a feed even without type="rss"',
      xml: opml('<outline text="A" xmlUrl="https://a.example/f"/>'),
      expected: [feed({ name: 'A', xmlUrl: 'https://a.example/f' })],
    },
    {
      name: 'folders nest to any depth and are listed outermost first',
      xml: opml(`<outline text="World"><outline title="Europe"><outline text="Nordic">
        <outline type="rss" text="A" xmlUrl="https://a.example/f"/>
      </outline></outline><outline type="rss" text="B" xmlUrl="https://b.example/f"/></outline>
      <outline type="rss" text="C" xmlUrl="https://c.example/f"/>`),
      expected: [
        feed({ name: 'A', xmlUrl: 'https://a.example/f', categories: ['World', 'Europe', 'Nordic'] }),
        feed({ name: 'B', xmlUrl: 'https://b.example/f', categories: ['World'] }),
        feed({ name: 'C', xmlUrl: 'https://c.example/f' }),
      ],
    },
    {
      name: 'category is comma-separated, a path counts by its last segment, and comes before the folders',
      xml: opml('<outline text="Desk"><outline text="A" xmlUrl="https://a.example/f" category="/World/Europe, Tech,,/Sport/"/></outline>'),
      expected: [feed({ name: 'A', xmlUrl: 'https://a.example/f', categories: ['Europe', 'Tech', 'Sport', 'Desk'] })],
    },
    {
      name: 'character references and entities in attributes are decoded',
      xml: opml('<outline text="Caf&#233; &amp; Bar &#x2014; &quot;Q&quot;" xmlUrl="https://a.example/f?a=1&amp;b=2"/>'),
      expected: [feed({ name: 'Café & Bar — "Q"', xmlUrl: 'https://a.example/f?a=1&b=2' })],
    },
    {
      name: 'attribute names are read in any case ("xmlURL", "htmlurl")',
      xml: opml('<outline TEXT="A" xmlURL="https://a.example/f" htmlurl="https://a.example/"/>'),
      expected: [feed({ name: 'A', xmlUrl: 'https://a.example/f', htmlUrl: 'https://a.example/' })],
    },
    {
      name: 'a type="rss" outline without an xmlUrl is still reported, so that import can say why it is skipped',
      xml: opml('<outline type="rss" text="Nowhere"/>'),
      expected: [feed({ name: 'Nowhere' })],
    },
    {
      name: 'outlines that are not feeds (notes, links, empty folders) are not feeds',
      xml: opml('<outline text="A note"/><outline type="link" text="Site" url="https://a.example/"/><outline text="Empty"></outline>'),
      expected: [],
    },
    {
      name: 'an empty body has no feeds',
      xml: opml(''),
      expected: [],
    },
    {
      name: 'a byte order mark and surrounding whitespace in names are ignored',
      xml: `\uFEFF${opml('<outline text="  Harbor\n  Wire " xmlUrl="https://h.example/f"/>')}`,
      expected: [feed({ name: 'Harbor Wire', xmlUrl: 'https://h.example/f' })],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.deepEqual((await readOpml(c.xml)).feeds, c.expected);
    });
  }

  test('the head title is read', async () => {
    assert.equal((await readOpml(opml(''))).title, 'My feeds');
    assert.equal((await readOpml(opml('', '<head/>'))).title, undefined);
  });

  const bad: { name: string; xml: string; problem: RegExp }[] = [
    { name: 'an unclosed outline', xml: '<opml version="2.0">\n<body>\n<outline text="a">\n</body></opml>', problem: /^not well-formed XML: Unexpected close tag at line 4, column \d+$/ },
    { name: 'the end of the file before the root closes', xml: '<opml version="2.0"><body>', problem: /^not well-formed XML: Unclosed root tag at line 1/ },
    { name: 'a bare ampersand', xml: opml('<outline text="A & B" xmlUrl="https://a.example/"/>'), problem: /^not well-formed XML: .*entity.* at line 2/i },
    { name: 'text that is not XML', xml: 'Harbor Wire https://harborwire.example/feed.xml', problem: /^not well-formed XML: Non-whitespace before first tag\. at line 1, column 1$/ },
    { name: 'an empty file', xml: '', problem: /^the file is empty$/ },
    { name: 'an RSS feed instead of a list', xml: '<rss version="2.0"><channel><title>x</title></channel></rss>', problem: /^the root element is <rss>, not <opml>$/ },
    { name: 'no body', xml: '<opml version="2.0"><head><title>x</title></head></opml>', problem: /^no <body> element$/ },
  ];
  for (const c of bad) {
    test(`${c.name} is an OpmlError that says what and where`, async () => {
      await assert.rejects(readOpml(c.xml), (err: unknown) => {
        assert.ok(err instanceof OpmlError, String(err));
        assert.match(err.problem, c.problem);
        assert.equal(err.message, `opml: ${err.problem}`);
        return true;
      });
    });
  }
});

describe('writeOpml', () => {
  const head = { title: 'The Demo Desk', dateCreated: new Date('2026-11-20T09:05:00Z') };

  test('writes an OPML 2.0 head with title, RFC 822 dateCreated and no docs (the W3C validator calls it an error), and one rss outline per feed', () => {
    const xml = writeOpml(head, [
      { name: 'Harbor Wire', xmlUrl: 'https://harborwire.example/feed.xml', htmlUrl: 'https://harborwire.example/', categories: ['world', 'business'] },
      { name: 'Civic Pulse', xmlUrl: 'file:///srv/feeds/civic-pulse.json', categories: [] },
    ]);
    assert.equal(
      xml,
      `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>The Demo Desk</title>
    <dateCreated>Fri, 20 Nov 2026 09:05:00 GMT</dateCreated>
  </head>
  <body>
    <outline text="Harbor Wire" title="Harbor Wire" type="rss" xmlUrl="https://harborwire.example/feed.xml" htmlUrl="https://harborwire.example/" category="world,business"/>
    <outline text="Civic Pulse" title="Civic Pulse" type="rss" xmlUrl="file:///srv/feeds/civic-pulse.json"/>
  </body>
</opml>`,
    );
  });

  test('markup characters in names, titles and URLs are escaped and read back as written', async () => {
    const feeds = [{ name: 'AT&T <Live> "News"\tDesk', xmlUrl: 'https://a.example/f?a=1&b=<2>', categories: ['world'] }];
    const xml = writeOpml({ ...head, title: 'Desk & <Co>' }, feeds);
    const back = await readOpml(xml);
    assert.equal(back.title, 'Desk & <Co>');
    // Whitespace inside a name collapses to one space on reading, as any reader would show it.
    assert.deepEqual(back.feeds, [{ ...feeds[0], name: 'AT&T <Live> "News" Desk', htmlUrl: undefined }]);
  });

  test('no feeds gives an empty body that reads back as no feeds', async () => {
    assert.deepEqual((await readOpml(writeOpml(head, []))).feeds, []);
  });
});

describe('planImport', () => {
  const taxonomy: Category[] = [
    { slug: 'world', label: 'World' },
    { slug: 'politics', label: 'Politics' },
    { slug: 'science', label: 'Science & Space' },
  ];
  const none: ExistingSource[] = [];

  const cases: { name: string; feeds: OpmlFeed[]; existing?: ExistingSource[]; expected: Partial<ReturnType<typeof planImport>> }[] = [
    {
      name: 'a feed becomes a source: slug from the name, site URL from htmlUrl',
      feeds: [feed({ name: 'Le Café du Port', xmlUrl: 'https://cafe.example/feed', htmlUrl: 'https://cafe.example/' })],
      expected: {
        add: [{ slug: 'le-cafe-du-port', name: 'Le Café du Port', url: 'https://cafe.example/feed', siteUrl: 'https://cafe.example/', categories: [] }],
      },
    },
    {
      name: 'slugs are made unique with -2, -3 against stored sources and each other',
      feeds: [feed({ name: 'Harbor Wire', xmlUrl: 'https://a.example/f' }), feed({ name: 'Harbor  Wire!', xmlUrl: 'https://b.example/f' })],
      existing: [{ slug: 'harbor-wire', url: 'file:///x.rss', origin: 'config', enabled: true }],
      expected: {
        add: [
          { slug: 'harbor-wire-2', name: 'Harbor Wire', url: 'https://a.example/f', siteUrl: undefined, categories: [] },
          { slug: 'harbor-wire-3', name: 'Harbor  Wire!', url: 'https://b.example/f', siteUrl: undefined, categories: [] },
        ],
      },
    },
    {
      name: 'categories match a configured slug or label in any case, in the taxonomy order; the others are ignored once each',
      feeds: [
        feed({ name: 'A', xmlUrl: 'https://a.example/f', categories: ['science & space', 'Tech', 'WORLD'] }),
        feed({ name: 'B', xmlUrl: 'https://b.example/f', categories: ['tech', 'politics', 'Europe'] }),
      ],
      expected: {
        add: [
          { slug: 'a', name: 'A', url: 'https://a.example/f', siteUrl: undefined, categories: ['world', 'science'] },
          { slug: 'b', name: 'B', url: 'https://b.example/f', siteUrl: undefined, categories: ['politics'] },
        ],
        ignoredCategories: ['Tech', 'Europe'],
      },
    },
    {
      name: 'a feed that is not http(s), has no xmlUrl, or comes twice is skipped with the reason',
      feeds: [
        feed({ name: 'Local', xmlUrl: 'file:///srv/local.rss' }),
        feed({ name: 'Broken', xmlUrl: 'not a url' }),
        feed({ name: 'Nowhere' }),
        feed({ name: 'A', xmlUrl: 'https://a.example/f' }),
        feed({ name: 'A again', xmlUrl: 'https://A.example/f' }),
      ],
      expected: {
        add: [{ slug: 'a', name: 'A', url: 'https://a.example/f', siteUrl: undefined, categories: [] }],
        skip: [
          { name: 'Local', url: 'file:///srv/local.rss', reason: 'not an http(s) URL' },
          { name: 'Broken', url: 'not a url', reason: 'not an http(s) URL' },
          { name: 'Nowhere', url: undefined, reason: 'no xmlUrl' },
          { name: 'A again', url: 'https://A.example/f', reason: 'listed twice' },
        ],
      },
    },
    {
      name: 'a stored imported source with the same URL is updated under its own slug',
      feeds: [feed({ name: 'Harbor Wire (new name)', xmlUrl: 'https://harborwire.example/feed.xml', categories: ['World'] })],
      existing: [{ slug: 'harbor', url: 'https://harborwire.example/feed.xml', origin: 'opml', enabled: true }],
      expected: {
        add: [],
        update: [{ slug: 'harbor', name: 'Harbor Wire (new name)', url: 'https://harborwire.example/feed.xml', siteUrl: undefined, categories: ['world'] }],
      },
    },
    {
      name: 'a source the config file manages is left to the config file',
      feeds: [feed({ name: 'Harbor Wire', xmlUrl: 'https://harborwire.example/feed.xml' })],
      existing: [{ slug: 'harbor-wire', url: 'https://harborwire.example/feed.xml', origin: 'config', enabled: true }],
      expected: { add: [], update: [], skip: [{ name: 'Harbor Wire', url: 'https://harborwire.example/feed.xml', reason: 'already in the config file as "harbor-wire"' }] },
    },
    {
      name: 'a source the config file dropped (disabled) is updated, so the import takes it back',
      feeds: [feed({ name: 'Harbor Wire', xmlUrl: 'https://harborwire.example/feed.xml' })],
      existing: [{ slug: 'harbor-wire', url: 'https://harborwire.example/feed.xml', origin: 'config', enabled: false }],
      expected: { update: [{ slug: 'harbor-wire', name: 'Harbor Wire', url: 'https://harborwire.example/feed.xml', siteUrl: undefined, categories: [] }] },
    },
    {
      name: 'a feed without a name is named after its host',
      feeds: [feed({ xmlUrl: 'https://feeds.coast.example/all.rss' })],
      expected: { add: [{ slug: 'feeds-coast-example', name: 'feeds.coast.example', url: 'https://feeds.coast.example/all.rss', siteUrl: undefined, categories: [] }] },
    },
    {
      name: 'an htmlUrl that is not http(s) is left out',
      feeds: [feed({ name: 'A', xmlUrl: 'https://a.example/f', htmlUrl: 'javascript:alert(1)' })],
      expected: { add: [{ slug: 'a', name: 'A', url: 'https://a.example/f', siteUrl: undefined, categories: [] }] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planImport(c.feeds, taxonomy, c.existing ?? none);
      const picked = Object.fromEntries(Object.keys(c.expected).map((k) => [k, plan[k as keyof typeof plan]]));
      assert.deepEqual(picked, c.expected);
    });
  }
});

describe('sourceSlug', () => {
  const cases: { name: string; title: string; expected: string }[] = [
    { name: 'words are lower-cased and joined by dashes', title: 'The Northern Ledger', expected: 'the-northern-ledger' },
    { name: 'accents are dropped', title: 'São Paulo Diário', expected: 'sao-paulo-diario' },
    { name: 'punctuation and runs of it become one dash, none at the ends', title: '  "Wire" — World & Europe!  ', expected: 'wire-world-europe' },
    { name: 'a name without Latin letters or digits takes the host', title: 'Новости', expected: 'news-example-ru' },
    { name: 'a long name is cut to 60 characters, not ending in a dash', title: `${'a'.repeat(59)} b`, expected: 'a'.repeat(59) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const slug = sourceSlug(c.title, 'https://news.example.ru/rss');
      assert.equal(slug, c.expected);
      assert.match(slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'the config file slug rule');
    });
  }
});
