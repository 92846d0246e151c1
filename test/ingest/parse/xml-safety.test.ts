// What parseFeed does with hostile XML. rss-parser reads XML through xml2js
// and sax; sax skips the DTD without reading it. parseFeed itself reads the
// internal entities of the DTD (entities.ts), within a depth and size
// budget; external entities are never read or fetched, and a reference to
// one is "Invalid character entity", which parseFeed reports as a
// ParseError. These tests hold that behaviour in place: if an upgrade
// started resolving external entities or lifted the budget, they would fail.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { parseFeed } from '../../../src/ingest/parse/feed.js';
import { type ParsedFeed, ParseError } from '../../../src/ingest/parse/parsed.js';

function rss(doctype: string, title: string): string {
  return `<?xml version="1.0"?>
${doctype}
<rss version="2.0"><channel>
  <title>${title}</title><link>https://x.example/</link><description>d</description>
  <item><guid>x-1</guid><title>${title}</title><description>${title}</description></item>
</channel></rss>`;
}

/** Ten levels of ten references each: 10^9 "lol"s, some 3 GB, if expanded. */
function laughs(levels = 9): string {
  let entities = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= levels; i++) entities += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<!DOCTYPE rss [${entities}]>`;
}

/** Whatever parseFeed gave back, feed or error, as text to search. */
async function outcome(body: string): Promise<{ value: ParsedFeed | Error; text: string; ms: number }> {
  const started = performance.now();
  const value = await parseFeed(body).then(
    (feed) => feed,
    (err: Error) => err,
  );
  const ms = performance.now() - started;
  return { value, ms, text: value instanceof Error ? `${value.message} ${String(value.cause)}` : JSON.stringify(value) };
}

/** Counts the calls that name `path` on the ways node reads a file. */
function watchReads(t: TestContext, path: string): () => number {
  const watched: { mock: { calls: readonly { arguments: readonly unknown[] }[] } }[] = [
    t.mock.method(fs, 'readFileSync'),
    t.mock.method(fs, 'readFile'),
    t.mock.method(fs, 'openSync'),
    t.mock.method(fs, 'open'),
    t.mock.method(fs, 'createReadStream'),
    t.mock.method(fs.promises, 'readFile'),
    t.mock.method(fs.promises, 'open'),
  ];
  return () => watched.flatMap((m) => m.mock.calls).filter((call) => call.arguments.some((a) => String(a).includes(path))).length;
}

describe('parseFeed and entity expansion ("billion laughs")', () => {
  const cases: { name: string; body: string }[] = [
    { name: 'nested internal entities referenced in a title', body: rss(laughs(), '&lol9;') },
    { name: 'nested internal entities referenced in an attribute', body: rss(laughs(), 'x').replace('<guid>', '<guid isPermaLink="&lol9;">') },
    {
      name: 'one large entity referenced many times (quadratic blow-up)',
      body: rss(`<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(50_000)}">]>`, '&big;'.repeat(2_000)),
    },
  ];
  for (const c of cases) {
    test(`${c.name}: within a second, refused or at most 10 KB of text`, async () => {
      const { value, text, ms } = await outcome(c.body);
      assert.ok(ms < 1000, `took ${Math.round(ms)} ms`);
      if (value instanceof Error) {
        assert.ok(value instanceof ParseError, `expected a ParseError, got ${value.name}`);
      } else {
        assert.ok((value.title ?? '').length < 10_000);
        assert.ok(value.entries.every((e) => (e.title ?? '').length < 10_000));
      }
      assert.ok(text.length < 10_000 + c.body.length, 'the outcome is not larger than the document');
    });
  }

  test('entities nested ten deep are refused with a ParseError naming the depth limit, not expanded', async () => {
    const { value } = await outcome(rss(laughs(), '&lol9;'));
    assert.ok(value instanceof ParseError);
    assert.equal(value.message, 'parse: the document\'s entities nest deeper than 3 levels');
  });

  test('one large entity referenced many times is refused with a ParseError naming the size budget', async () => {
    const { value } = await outcome(rss(`<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(50_000)}">]>`, '&big;'.repeat(2_000)));
    assert.ok(value instanceof ParseError);
    assert.equal(value.message, 'parse: the document\'s entities expand beyond 65536 characters');
  });

  test('an entity that refers to itself, directly or through another, is refused', async () => {
    for (const doctype of ['<!DOCTYPE rss [<!ENTITY a "x&a;">]>', '<!DOCTYPE rss [<!ENTITY a "x&b;"><!ENTITY b "y&a;">]>']) {
      const { value } = await outcome(rss(doctype, '&a;'));
      assert.ok(value instanceof ParseError, doctype);
    }
  });
});

describe('parseFeed and external entities', () => {
  test('an entity naming file:///etc/passwd never brings "root:" into any field', async () => {
    const doctype = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
    const { value, text } = await outcome(rss(doctype, '&xxe;'));
    assert.ok(value instanceof ParseError, 'observed: the reference is refused');
    assert.doesNotMatch(text, /root:/);
  });

  test('an external entity naming a local file: the file is not opened and its text appears nowhere', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'wirefeed-xxe-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const secret = join(dir, 'passwd');
    await writeFile(secret, 'root:x:0:0:wirefeed-secret-marker\n');
    const reads = watchReads(t, secret);
    for (const doctype of [
      `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://${secret}">]>`,
      `<!DOCTYPE rss [<!ENTITY % xxe SYSTEM "file://${secret}"> %xxe;]>`,
      `<!DOCTYPE rss SYSTEM "file://${secret}">`,
    ]) {
      const { text } = await outcome(rss(doctype, '&xxe;'));
      assert.doesNotMatch(text, /wirefeed-secret-marker|root:/);
      const { text: plain } = await outcome(rss(doctype, 'Plain title'));
      assert.doesNotMatch(plain, /wirefeed-secret-marker|root:/);
    }
    assert.equal(reads(), 0, 'the file was opened');
  });

  test('external entities and DTDs over HTTP are never requested', async (t) => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('<!ENTITY leak "wirefeed-fetched-marker">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Observed: a reference to an undeclared (never fetched) entity is
    // refused; a document that only names an external DTD parses without it.
    const cases: { doctype: string; title: string; parses: boolean }[] = [
      { doctype: `<!DOCTYPE rss [<!ENTITY remote SYSTEM "${base}/entity">]>`, title: '&remote;', parses: false },
      { doctype: `<!DOCTYPE rss [<!ENTITY % remote SYSTEM "${base}/param.dtd"> %remote;]>`, title: '&leak;', parses: false },
      { doctype: `<!DOCTYPE rss SYSTEM "${base}/rss.dtd">`, title: 'Plain title', parses: true },
      { doctype: `<!DOCTYPE rss PUBLIC "-//Example//DTD RSS//EN" "${base}/public.dtd">`, title: 'Plain title', parses: true },
    ];
    for (const c of cases) {
      const { value, text } = await outcome(rss(c.doctype, c.title));
      assert.doesNotMatch(text, /wirefeed-fetched-marker/);
      assert.equal(value instanceof ParseError, !c.parses, `${c.doctype}: ${text.slice(0, 200)}`);
    }
    // Time for any request that was started to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(requests, 0);
  });
});

describe('parseFeed and harmless DOCTYPEs', () => {
  const cases: { name: string; doctype: string; title: string; expected: string }[] = [
    {
      name: 'the RSS 0.91 public DOCTYPE',
      doctype: '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">',
      title: 'Tide tables',
      expected: 'Tide tables',
    },
    {
      name: 'an internal subset with element and attribute declarations only',
      doctype: '<!DOCTYPE rss [<!ELEMENT rss ANY><!ATTLIST rss version CDATA #REQUIRED>]>',
      title: 'Tide tables',
      expected: 'Tide tables',
    },
    {
      name: 'an entity that is declared but never referenced',
      doctype: '<!DOCTYPE rss [<!ENTITY unused "never used">]>',
      title: 'Tide tables',
      expected: 'Tide tables',
    },
    {
      name: 'HTML named entities, as the RSS 0.91 DTD declares them (sax knows their values)',
      doctype: '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">',
      title: 'Caf&eacute;&nbsp;opens &amp; closes',
      expected: 'Café\u00a0opens & closes',
    },
  ];
  for (const c of cases) {
    test(`${c.name} still parses`, async () => {
      const feed = await parseFeed(rss(c.doctype, c.title));
      assert.equal(feed.title, c.expected);
      assert.equal(feed.entries[0]?.guid, 'x-1');
    });
  }
});
