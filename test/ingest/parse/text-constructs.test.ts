// Issue 17: Atom text constructs (RFC 4287 3.1) and XML Base, read in
// document order. Each case is a feed of our own, in the classes the
// Universal Feed Parser's tests/wellformed/atom and tests/wellformed/base
// cover (titles as text, escaped html and inline xhtml; content as text and
// xhtml; xml:base on the feed, the entry and the element), with the value a
// reader should see once parse and normalize have run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeEntry } from '../../../src/ingest/clean/normalize.js';
import { sanitizeContent } from '../../../src/ingest/clean/sanitize.js';
import { parseFeed } from '../../../src/ingest/parse/feed.js';

const now = new Date('2026-12-01T00:00:00Z');

function atom(entries: string, feedAttrs = '', feedChildren = '<link rel="alternate" href="https://kennel.example/"/>'): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" ${feedAttrs}>
  <title>Kennel Notes</title><id>urn:uuid:kennel-notes</id><updated>2026-11-20T08:00:00Z</updated>
  ${feedChildren}
  ${entries}
</feed>`;
}

function entry(inner: string, link = '<link href="https://kennel.example/posts/1"/>'): string {
  return `<entry><id>urn:uuid:kennel-1</id>${link}<updated>2026-11-20T08:00:00Z</updated>${inner}</entry>`;
}

async function firstNormalized(xml: string, baseUrl = 'https://kennel.example/') {
  const feed = await parseFeed(xml);
  const first = feed.entries[0];
  assert.ok(first, 'one entry read');
  return normalizeEntry(first, { baseUrl, now });
}

describe('parse + normalize: Atom titles are plain text with the words of their markup kept', () => {
  const cases = [
    { name: 'xhtml title: the div content, markup stripped', title: '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Sentry Calming Collar for <em>dogs</em></div></title>', expected: 'Sentry Calming Collar for dogs' },
    { name: 'xhtml title: escaped brackets inside the div stay text', title: '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Why the &lt;marquee&gt; <b>scrolled</b></div></title>', expected: 'Why the <marquee> scrolled' },
    { name: 'xhtml title: words in document order', title: '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">The <b>big</b> kennel <i>move</i> begins</div></title>', expected: 'The big kennel move begins' },
    { name: 'title with an element and no type: the element\'s words kept, in order', title: '<title>Example <b>Atom</b> feed</title>', expected: 'Example Atom feed' },
    { name: 'html title with escaped markup: stripped to its words', title: '<title type="html">Leash laws &lt;i&gt;tighten&lt;/i&gt; downtown</title>', expected: 'Leash laws tighten downtown' },
    { name: 'html title with markup written as elements', title: '<title type="html">Example <b>Atom</b></title>', expected: 'Example Atom' },
    { name: 'text title: angle brackets are data', title: '<title type="text">History of the &lt;blink&gt; tag</title>', expected: 'History of the <blink> tag' },
    { name: 'title without type is text (RFC 4287 3.1.1)', title: '<title>Collars &lt;and&gt; leads &amp; more</title>', expected: 'Collars <and> leads & more' },
    { name: 'text title holding a literal CDATA opener is not cut at it', title: '<title type="text">Parsing &lt;![CDATA[ sections, part 2</title>', expected: 'Parsing <![CDATA[ sections, part 2' },
    { name: 'text title in a CDATA section: brackets are data', title: '<title type="text"><![CDATA[Tags like <b> in titles]]></title>', expected: 'Tags like <b> in titles' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const item = await firstNormalized(atom(entry(c.title)));
      assert.equal(item.title, c.expected);
    });
  }

  test('an RSS title holding an element keeps the words around and inside it', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://kennel.example/</link><description>d</description>
      <item><title>Vets <em>warn</em> of heat</title><link>https://kennel.example/heat</link></item></channel></rss>`;
    assert.equal((await firstNormalized(xml)).title, 'Vets warn of heat');
  });

  test('an RSS title with a literal CDATA opener in its text is kept whole', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://kennel.example/</link><description>d</description>
      <item><title>Escaping &lt;![CDATA[ in XML</title><link>https://kennel.example/cdata</link></item></channel></rss>`;
    assert.equal((await firstNormalized(xml)).title, 'Escaping <![CDATA[ in XML');
  });
});

describe('parse: Atom content keeps its type', () => {
  test('text content is text: escaped markup is shown, never live', async () => {
    const xml = atom(entry('<title>t</title><content type="text">&lt;b&gt;not bold&lt;/b&gt; and 3 &lt; 4\n\nSecond paragraph</content>'));
    const [e] = (await parseFeed(xml)).entries;
    assert.equal(e?.content, '<p>&lt;b&gt;not bold&lt;/b&gt; and 3 &lt; 4</p>\n<p>Second paragraph</p>');
    const clean = sanitizeContent(e?.content ?? '', { baseUrl: 'https://kennel.example/posts/1', boilerplate: [] });
    assert.doesNotMatch(clean.html, /<b>/);
    assert.match(clean.html, /&lt;b&gt;not bold/);
  });

  test('content without type is text too', async () => {
    const [e] = (await parseFeed(atom(entry('<title>t</title><content>a &lt;script&gt; tag</content>')))).entries;
    assert.equal(e?.content, '<p>a &lt;script&gt; tag</p>');
  });

  test('xhtml content keeps its document order', async () => {
    const xml = atom(
      entry(
        '<title>t</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First</p><blockquote>Quoted</blockquote><p>Second <em>with</em> words</p><ul><li>one</li></ul><p>Third</p></div></content>',
      ),
    );
    const [e] = (await parseFeed(xml)).entries;
    assert.equal(e?.content, '<p>First</p><blockquote>Quoted</blockquote><p>Second <em>with</em> words</p><ul><li>one</li></ul><p>Third</p>');
  });

  test('html content is the escaped HTML, unchanged', async () => {
    const [e] = (await parseFeed(atom(entry('<title>t</title><content type="html">&lt;p&gt;A &lt;b&gt;bold&lt;/b&gt; move&lt;/p&gt;</content>')))).entries;
    assert.equal(e?.content, '<p>A <b>bold</b> move</p>');
  });

  test('xhtml content is sanitized like any other: no script, no handler, no javascript: link', async () => {
    const xml = atom(
      entry(
        '<title>t</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="a.jpg" onerror="steal()"/></div></content>',
      ),
    );
    const item = await firstNormalized(xml);
    const clean = sanitizeContent(item.contentHtml, { baseUrl: item.baseUrl, boilerplate: [] });
    assert.doesNotMatch(clean.html, /script|onclick|onerror|javascript:/i);
    assert.match(clean.html, /<img src="https:\/\/kennel\.example\/posts\/a\.jpg"/);
  });
});

describe('parse + normalize: xml:base, then the entry link, the feed link and the feed URL', () => {
  test('a relative entry link resolves against the entry\'s xml:base, itself relative to the feed\'s', async () => {
    const xml = atom(entry('<title>t</title>', '<link href="2026/collars.html"/>').replace('<entry>', '<entry xml:base="archives/">'), 'xml:base="https://base.example/blog/"');
    const item = await firstNormalized(xml);
    assert.equal(item.url, 'https://base.example/blog/archives/2026/collars.html');
  });

  test('a link element\'s own xml:base wins over the entry\'s', async () => {
    const xml = atom(entry('<title>t</title>', '<link xml:base="https://other.example/x/" href="post"/>'), 'xml:base="https://base.example/"');
    assert.equal((await firstNormalized(xml)).url, 'https://other.example/x/post');
  });

  test('relative href and src in content resolve against the content\'s xml:base and are kept', async () => {
    const xml = atom(
      entry('<title>t</title><content type="html" xml:base="https://cdn.example/media/">&lt;p&gt;&lt;a href="more.html"&gt;more&lt;/a&gt; &lt;img src="dog.jpg" alt="dog"&gt;&lt;/p&gt;</content>'),
    );
    const item = await firstNormalized(xml);
    assert.equal(item.baseUrl, 'https://cdn.example/media/');
    const clean = sanitizeContent(item.contentHtml, { baseUrl: item.baseUrl, boilerplate: [] });
    assert.match(clean.html, /href="https:\/\/cdn\.example\/media\/more\.html"/);
    assert.match(clean.html, /src="https:\/\/cdn\.example\/media\/dog\.jpg"/);
    assert.equal(item.image?.url, 'https://cdn.example/media/dog.jpg');
  });

  test('without xml:base, content resolves against the entry link', async () => {
    const xml = atom(entry('<title>t</title><content type="html">&lt;img src="../img/pup.png"&gt;</content>', '<link href="https://kennel.example/posts/7/"/>'));
    const item = await firstNormalized(xml);
    assert.equal(item.baseUrl, 'https://kennel.example/posts/7/');
    assert.match(sanitizeContent(item.contentHtml, { baseUrl: item.baseUrl, boilerplate: [] }).html, /src="https:\/\/kennel\.example\/posts\/img\/pup\.png"/);
  });

  test('an RSS item\'s xml:base resolves its link', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel xml:base="https://wire.example/news/"><title>T</title><link>https://wire.example/</link><description>d</description>
      <item><title>a</title><link>today/story.html</link></item></channel></rss>`;
    assert.equal((await firstNormalized(xml, 'https://wire.example/')).url, 'https://wire.example/news/today/story.html');
  });

  test('an entry whose link and base are both relative gets no "/" for a URL: its feed\'s absolute page stands in', async () => {
    const xml = atom(entry('<title>t</title>', '<link href="./"/>'), '', '<link href="/"/>');
    const item = await firstNormalized(xml, 'https://kennel.example/feed.xml');
    assert.equal(item.url, 'https://kennel.example/');
  });

  test('an entry with no absolute link and no absolute base to stand in is refused, never stored with "/"', async () => {
    const xml = atom(entry('<title>t</title>', '<link href="/"/>'), '', '<link href="/"/>');
    const feed = await parseFeed(xml);
    assert.throws(() => normalizeEntry(feed.entries[0]!, { baseUrl: '/', now }), /no absolute link/);
  });

  test('a javascript: link is never the entry URL', async () => {
    const xml = atom(entry('<title>t</title>', '<link href="javascript:alert(1)"/>'));
    assert.equal((await firstNormalized(xml)).url, 'https://kennel.example/');
  });
});

describe('parse: the feed-level Atom author', () => {
  test('is inherited by an entry that names none, not by one that names its own', async () => {
    const xml = atom(
      entry('<title>a</title>') + entry('<title>b</title><author><name>Rosa Park</name></author>'),
      '',
      '<link rel="alternate" href="https://kennel.example/"/><author><name>Kennel Desk</name></author>',
    );
    const feed = await parseFeed(xml);
    assert.deepEqual(
      feed.entries.map((e) => e.author),
      ['Kennel Desk', 'Rosa Park'],
    );
  });
});
