// Entities declared in the document's own internal DTD subset: expanded
// (internal, literal values, within the budget); external ones never read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalEntities } from '../../../src/ingest/parse/xml/entities.js';
import { parseFeed } from '../../../src/ingest/parse/feed.js';
import { ParseError } from '../../../src/ingest/parse/parsed.js';

function rss(doctype: string, title: string, link = 'https://fjord.example/1'): string {
  return `<?xml version="1.0" encoding="utf-8"?>
${doctype}
<rss version="2.0"><channel><title>Fjord Post</title><link>https://fjord.example/</link><description>d</description>
  <item><guid>f-1</guid><title>${title}</title><link>${link}</link></item>
</channel></rss>`;
}

describe('parseFeed: entities declared in the internal DTD subset', () => {
  const cases: { name: string; doctype: string; title: string; expected: string }[] = [
    { name: 'a plain text entity', doctype: '<!DOCTYPE rss [<!ENTITY town "Ålesund">]>', title: 'Storm in &town;', expected: 'Storm in Ålesund' },
    { name: 'single-quoted value', doctype: "<!DOCTYPE rss [<!ENTITY town 'Bergen'>]>", title: '&town; harbour', expected: 'Bergen harbour' },
    { name: 'a value that is a character reference', doctype: '<!DOCTYPE rss [<!ENTITY copy "&#169;">]>', title: '&copy; Fjord', expected: '© Fjord' },
    {
      name: 'an entity whose value names another (two levels)',
      doctype: '<!DOCTYPE rss [<!ENTITY town "Bergen"><!ENTITY where "in &town;">]>',
      title: 'Rain &where;',
      expected: 'Rain in Bergen',
    },
    {
      name: 'an HTML name redeclared by the document',
      doctype: '<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY eacute "&#233;">]>',
      title: 'Caf&eacute;&nbsp;bar',
      expected: 'Café\u00a0bar',
    },
    {
      name: 'a DOCTYPE naming an external DTD besides its internal subset',
      doctype: '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd" [<!ENTITY town "Molde">]>',
      title: '&town; jazz',
      expected: 'Molde jazz',
    },
  ];
  for (const c of cases) {
    test(`${c.name} is expanded`, async () => {
      const feed = await parseFeed(rss(c.doctype, c.title));
      assert.equal(feed.entries[0]?.title, c.expected);
    });
  }

  test('a reference in an attribute value is expanded too', async () => {
    const feed = await parseFeed(
      rss('<!DOCTYPE rss [<!ENTITY site "https://fjord.example">]>', 'T', '&site;/1').replace('<guid>', '<guid isPermaLink="false">'),
    );
    assert.equal(feed.entries[0]?.link, 'https://fjord.example/1');
  });

  test('a reference inside CDATA stays as written', async () => {
    const feed = await parseFeed(rss('<!DOCTYPE rss [<!ENTITY town "Bergen">]>', '<![CDATA[&town;]]>'));
    assert.equal(feed.entries[0]?.title, '&town;');
  });

  test('undeclared HTML names still read as their characters, with no DOCTYPE (as sax and feedparser do)', async () => {
    const feed = await parseFeed(rss('', 'Caf&eacute;&nbsp;&mdash; open'));
    assert.equal(feed.entries[0]?.title, 'Café\u00a0— open');
  });

  test('a reference to an external entity is still refused, and nothing is read for it', async () => {
    await assert.rejects(parseFeed(rss('<!DOCTYPE rss [<!ENTITY ext SYSTEM "https://fjord.example/ext.xml"><!ENTITY ok "fine">]>', '&ok; &ext;')), ParseError);
  });
});

describe('internalEntities: the budget', () => {
  test('no DOCTYPE, or a DOCTYPE without entities, gives undefined', () => {
    assert.equal(internalEntities('<rss version="2.0"><channel/></rss>'), undefined);
    assert.equal(internalEntities('<!DOCTYPE rss [<!ELEMENT rss ANY>]><rss/>'), undefined);
  });

  test('only referenced entities are expanded; unreferenced deep ones are not an error', () => {
    let decls = '<!ENTITY l0 "lol">';
    for (let i = 1; i <= 9; i++) decls += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
    assert.deepEqual(internalEntities(`<!DOCTYPE rss [${decls}<!ENTITY a "b">]><rss>&a;</rss>`), { a: 'b' });
  });

  test('three levels of nesting are allowed, four are not', () => {
    const chain = '<!ENTITY e0 "x"><!ENTITY e1 "&e0;"><!ENTITY e2 "&e1;"><!ENTITY e3 "&e2;"><!ENTITY e4 "&e3;">';
    assert.deepEqual(internalEntities(`<!DOCTYPE rss [${chain}]><rss>&e3;</rss>`), { e3: 'x' });
    assert.throws(() => internalEntities(`<!DOCTYPE rss [${chain}]><rss>&e4;</rss>`), /nest deeper than 3 levels/);
  });

  test('a 1 KB entity referenced 64 times fits, 65 times does not', () => {
    const doc = (n: number) => `<!DOCTYPE rss [<!ENTITY k "${'k'.repeat(1024)}">]><rss>${'&k;'.repeat(n)}</rss>`;
    assert.equal(internalEntities(doc(64))?.k?.length, 1024);
    assert.throws(() => internalEntities(doc(65)), /expand beyond 65536 characters/);
  });

  test('a wide entity is refused while it is being built, not after', () => {
    const doc = `<!DOCTYPE rss [<!ENTITY w "${'w'.repeat(60_000)}"><!ENTITY x "${'&w;'.repeat(1000)}">]><rss>&x;</rss>`;
    const started = performance.now();
    assert.throws(() => internalEntities(doc), /expand beyond/);
    assert.ok(performance.now() - started < 100);
  });
});
