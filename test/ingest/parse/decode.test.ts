import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { DecodeError, decodeBody } from '../../../src/ingest/parse/decode/decode.js';

const text = 'Café “Möwe” — 東京 ½';
const latinText = 'Café “Möwe” — ½'; // what windows-1252 can hold
const xml = (encoding: string, body: string) => `<?xml version="1.0" encoding="${encoding}"?><rss><title>${body}</title></rss>`;

describe('decodeBody picks the encoding in the order of RFC 7303', () => {
  const cases: { name: string; body: Buffer; contentType?: string; expected: string; encoding: string; from: string }[] = [
    {
      name: 'plain UTF-8 with no label at all',
      body: Buffer.from(xml('', text).replace(' encoding=""', '')),
      expected: xml('', text).replace(' encoding=""', ''),
      encoding: 'utf-8',
      from: 'default',
    },
    {
      name: 'a UTF-8 byte order mark, removed from the text',
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('utf-8', text))]),
      expected: xml('utf-8', text),
      encoding: 'utf-8',
      from: 'bom',
    },
    {
      name: 'windows-1252 from the XML declaration',
      body: iconv.encode(xml('windows-1252', latinText), 'windows-1252'),
      expected: xml('windows-1252', latinText),
      encoding: 'windows-1252',
      from: 'xml-declaration',
    },
    {
      name: 'ISO-8859-1 declared, read as windows-1252 so curly quotes survive',
      body: iconv.encode(xml('ISO-8859-1', latinText), 'windows-1252'),
      expected: xml('ISO-8859-1', latinText),
      encoding: 'windows-1252',
      from: 'xml-declaration',
    },
    {
      name: 'the HTTP charset wins over the XML declaration',
      body: iconv.encode(xml('utf-8', latinText), 'windows-1252'),
      contentType: 'application/rss+xml; charset="windows-1252"',
      expected: xml('utf-8', latinText),
      encoding: 'windows-1252',
      from: 'http',
    },
    {
      name: 'a byte order mark wins over the HTTP charset',
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml('utf-16', text), 'utf-16le')]),
      contentType: 'text/xml; charset=iso-8859-1',
      expected: xml('utf-16', text),
      encoding: 'utf-16le',
      from: 'bom',
    },
    {
      name: 'UTF-16 big-endian with a byte order mark',
      body: Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(xml('utf-16', text), 'utf-16be')]),
      expected: xml('utf-16', text),
      encoding: 'utf-16be',
      from: 'bom',
    },
    {
      name: 'UTF-16 little-endian without a byte order mark, sniffed from "<"',
      body: iconv.encode(xml('utf-16', text), 'utf-16le'),
      expected: xml('utf-16', text),
      encoding: 'utf-16le',
      from: 'utf-16-sniffed',
    },
    {
      name: 'Shift_JIS from the XML declaration',
      body: iconv.encode(xml('Shift_JIS', '東京の天気 ニュース'), 'shift_jis'),
      expected: xml('Shift_JIS', '東京の天気 ニュース'),
      encoding: 'shift_jis',
      from: 'xml-declaration',
    },
    {
      name: 'windows-1252 bytes with no label at all are detected, not read as UTF-8',
      body: iconv.encode(xml('', latinText).replace(' encoding=""', ''), 'windows-1252'),
      expected: xml('', latinText).replace(' encoding=""', ''),
      encoding: 'windows-1252',
      from: 'detected',
    },
    {
      name: 'UTF-8 declared UTF-8 but holding windows-1252 bytes is detected as windows-1252',
      body: iconv.encode(xml('utf-8', latinText), 'windows-1252'),
      expected: xml('utf-8', latinText),
      encoding: 'windows-1252',
      from: 'detected',
    },
    {
      name: 'ISO-8859-1 declared but valid UTF-8 is read as UTF-8 (no "CafÃ©")',
      body: Buffer.from(xml('ISO-8859-1', text)),
      expected: xml('ISO-8859-1', text),
      encoding: 'utf-8',
      from: 'detected',
    },
    {
      name: 'an HTTP charset of windows-1252 on valid UTF-8 is read as UTF-8',
      body: Buffer.from(xml('utf-8', text)),
      contentType: 'text/xml; charset=windows-1252',
      expected: xml('utf-8', text),
      encoding: 'utf-8',
      from: 'detected',
    },
    {
      name: 'a plain-ASCII document keeps its label',
      body: Buffer.from(xml('ISO-8859-1', 'plain words')),
      expected: xml('ISO-8859-1', 'plain words'),
      encoding: 'windows-1252',
      from: 'xml-declaration',
    },
    {
      name: 'a UTF-16 XML declaration on ASCII-readable bytes is not believed',
      body: Buffer.from(xml('utf-16', text)),
      expected: xml('utf-16', text),
      encoding: 'utf-8',
      from: 'xml-declaration',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const decoded = decodeBody(c.body, c.contentType);
      assert.deepEqual(decoded, { text: c.expected, encoding: c.encoding, from: c.from });
    });
  }

  test('an encoding nobody knows is a DecodeError naming it and where it came from', () => {
    assert.throws(() => decodeBody(Buffer.from('<rss/>'), 'text/xml; charset=klingon-8'), (err: unknown) => {
      assert.ok(err instanceof DecodeError);
      assert.equal(err.message, 'decode: unknown character encoding "klingon-8" (from http)');
      return true;
    });
  });
});
