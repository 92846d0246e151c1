import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from 'htmlparser2';
import { capHtml, precutHtml } from '../../../src/ingest/clean/cap.js';
import { sanitizeContent } from '../../../src/ingest/clean/sanitize.js';

/** Whether serialising htmlparser2's reading of `html` gives `html` back: no tag or entity was cut, every element is closed. */
function wellFormed(html: string): boolean {
  return sanitizeContent(html, { baseUrl: 'https://x.example/', boilerplate: [] }).html === html && parseDocument(html).children.length >= 0;
}

describe('capHtml', () => {
  const cases: { name: string; html: string; max: number; expected: string }[] = [
    { name: 'what fits is kept as it is', html: '<p>Gates closed.</p>', max: 100, expected: '<p>Gates closed.</p>' },
    { name: 'text is cut after the last whole word, and its paragraph closed', html: '<p>The flood gates closed at dawn</p>', max: 24, expected: '<p>The flood …</p>' },
    { name: 'nested elements are all closed', html: '<ul><li><em>one two three four</em></li></ul>', max: 40, expected: '<ul><li><em>one two …</em></li></ul>' },
    { name: 'a paragraph that does not fit at all is left out whole', html: '<p>First.</p><p>Secondwordwithoutaspace</p>', max: 20, expected: '<p>First.</p>' },
    {
      name: 'a tag is never cut: an image that does not fit goes whole',
      html: '<p>Gates <img src="https://coast.example/a-very-long-image-name.jpg" alt="Gates" /> closed</p>',
      max: 30,
      expected: '<p>Gates </p>',
    },
    { name: 'an entity is never cut', html: '<p>Salt &amp; pepper &amp; more</p>', max: 22, expected: '<p>Salt &amp; …</p>' },
    { name: 'a multi-byte character is never cut', html: '<p>ééééé ééééé</p>', max: 24, expected: '<p>ééééé …</p>' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const capped = capHtml(c.html, c.max);
      assert.equal(capped, c.expected);
      assert.ok(Buffer.byteLength(capped) <= c.max, `${Buffer.byteLength(capped)} bytes`);
    });
  }

  test('a huge body comes out at most the cap, well-formed, ending in a whole word', () => {
    const paragraph = (i: number) => `<p>Paragraph ${i}: the <a href="https://x.example/${i}">barrier</a> held &amp; the <em>river</em> fell.</p>`;
    const html = Array.from({ length: 20_000 }, (_, i) => paragraph(i)).join('');
    for (const max of [1024, 4096, 65_536, 262_144]) {
      const capped = capHtml(html, max);
      assert.ok(Buffer.byteLength(capped) <= max, `${Buffer.byteLength(capped)} > ${max}`);
      assert.ok(Buffer.byteLength(capped) > max - 200, `cut far too early: ${Buffer.byteLength(capped)} of ${max}`);
      assert.ok(wellFormed(capped), capped.slice(-200));
    }
  });

  test('deep nesting is closed and still fits', () => {
    const html = `${'<blockquote>'.repeat(300)}${'word '.repeat(2000)}${'</blockquote>'.repeat(300)}`;
    const capped = capHtml(html, 8192);
    assert.ok(Buffer.byteLength(capped) <= 8192);
    assert.ok(wellFormed(capped), capped.slice(-300));
  });
});

describe('precutHtml', () => {
  test('leaves what fits alone', () => {
    assert.equal(precutHtml('<p>short</p>', 100), undefined);
  });

  test('cuts before a tag that does not fit', () => {
    assert.equal(precutHtml('<p>one</p><img src="https://x.example/long.jpg">', 20), '<p>one</p>');
  });

  test('cuts text at a space, never inside an entity', () => {
    assert.equal(precutHtml('<p>salt &amp; pepper</p>', 11), '<p>salt');
    assert.equal(precutHtml('<p>salt &amp; pepper</p>', 15), '<p>salt &amp;');
  });

  test('is at most the bytes asked for, multi-byte text included', () => {
    const html = `<p>${'été '.repeat(10_000)}</p>`;
    const cut = precutHtml(html, 5000)!;
    assert.ok(Buffer.byteLength(cut) <= 5000);
    assert.ok(cut.endsWith('été'), cut.slice(-20));
  });
});
