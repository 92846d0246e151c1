import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalUrl, type NormalizedEntry, normalizeEntry, parseDate, plainText } from '../../src/ingest/normalize.js';
import type { ParsedEntry } from '../../src/ingest/parse.js';

const now = new Date('2026-11-20T12:00:00.000Z');
const ctx = { baseUrl: 'https://coast.example/news/', now };

function entry(fields: Partial<ParsedEntry>): ParsedEntry {
  return { categories: [], tags: [], related: [], ...fields };
}

/** The fields of `actual` named in `expected`, so a case states only what it is about. */
function pick(actual: NormalizedEntry, expected: Partial<NormalizedEntry>): Partial<NormalizedEntry> {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k as keyof NormalizedEntry]]));
}

describe('canonicalUrl', () => {
  const cases: { name: string; value: string | undefined; base?: string; expected: string | undefined }[] = [
    {
      name: 'a relative link resolves against the base',
      value: '../story/1?id=5',
      base: 'https://coast.example/news/today/',
      expected: 'https://coast.example/news/story/1?id=5',
    },
    {
      name: 'the fragment is dropped',
      value: 'https://coast.example/a#comments',
      expected: 'https://coast.example/a',
    },
    {
      name: 'utm_* (any case) and fbclid are dropped while other parameters are kept in order',
      value: 'https://coast.example/a?utm_source=rss&id=5&fbclid=abc&UTM_Medium=x&page=2',
      expected: 'https://coast.example/a?id=5&page=2',
    },
    {
      name: 'a query of tracking parameters alone leaves no "?"',
      value: 'https://coast.example/a?utm_source=rss&utm_campaign=nov',
      expected: 'https://coast.example/a',
    },
    { name: 'a javascript: link is rejected', value: 'javascript:alert(1)', expected: undefined },
    { name: 'a mailto: link is rejected', value: 'mailto:desk@coast.example', expected: undefined },
    { name: 'an ftp: link is rejected', value: 'ftp://files.coast.example/a', expected: undefined },
    { name: 'a tag: URI (an Atom id) is rejected', value: 'tag:coast.example,2026:1', expected: undefined },
    { name: 'a blank value gives undefined', value: '   ', expected: undefined },
    { name: 'no value gives undefined', value: undefined, expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(canonicalUrl(c.value, c.base ?? 'https://coast.example/news/'), c.expected);
    });
  }

  test(
    'dropping a tracking parameter leaves the other parameters encoded as they were',
    () => {
      const base = 'https://coast.example/';
      assert.equal(canonicalUrl('https://coast.example/s?q=a%20b&utm_source=rss', base), canonicalUrl('https://coast.example/s?q=a%20b', base));
      assert.equal(canonicalUrl('https://coast.example/s?path=a/b&utm_source=rss', base), 'https://coast.example/s?path=a/b');
    },
  );
});

describe('parseDate', () => {
  const cases: { name: string; value: string | undefined; expected: string | undefined }[] = [
    { name: 'an RFC 822 date with a +0100 offset is the UTC instant an hour earlier', value: 'Tue, 17 Nov 2026 08:15:00 +0100', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an RFC 822 date in GMT', value: 'Tue, 17 Nov 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an RFC 3339 date with a negative offset', value: '2026-11-17T08:15:00-05:00', expected: '2026-11-17T13:15:00.000Z' },
    { name: 'an RFC 3339 date in Z with fractional seconds', value: '2026-11-17T08:15:00.250Z', expected: '2026-11-17T08:15:00.250Z' },
    { name: 'surrounding whitespace is ignored', value: '  2026-11-17T08:15:00Z\n', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'text that is not a date gives undefined', value: 'yesterday', expected: undefined },
    { name: 'an empty value gives undefined', value: '', expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(parseDate(c.value)?.toISOString(), c.expected);
    });
  }
});

describe('plainText', () => {
  const cases: { name: string; value: string | undefined; expected: string | undefined }[] = [
    { name: 'HTML tags are removed and entities decoded', value: 'Port &amp; harbour <em>reopen</em> &ldquo;soon&rdquo;', expected: 'Port & harbour reopen “soon”' },
    { name: 'runs of whitespace become one space and the ends are trimmed', value: '  Tide \n\t tables  ', expected: 'Tide tables' },
    { name: 'XML-forbidden control characters are removed', value: 'Tide\u0001 tables\u000B out\u0000', expected: 'Tide tables out' },
    { name: 'an encoded less-than stays as text', value: '5 &lt; 6', expected: '5 < 6' },
    { name: 'a value of tags alone gives undefined', value: '<b> </b>', expected: undefined },
    { name: 'no value gives undefined', value: undefined, expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(plainText(c.value), c.expected);
    });
  }
});

describe('normalizeEntry', () => {
  const words = Array.from({ length: 100 }, (_, i) => `word${i}`);
  const cases: { name: string; entry: ParsedEntry; expected: Partial<NormalizedEntry> }[] = [
    {
      name: 'a relative link resolves against ctx.baseUrl, without fragment and tracking parameters',
      entry: entry({ guid: 'g1', link: 'barrier?id=5&utm_source=rss#top' }),
      expected: { url: 'https://coast.example/news/barrier?id=5' },
    },
    {
      name: 'a non-http link is rejected and an http guid stands in as the URL',
      entry: entry({ guid: 'https://coast.example/perma/9', link: 'javascript:alert(1)' }),
      expected: { guid: 'https://coast.example/perma/9', url: 'https://coast.example/perma/9' },
    },
    {
      name: 'with neither a usable link nor guid the URL is ctx.baseUrl',
      entry: entry({ title: 'Orphan', link: 'javascript:alert(1)' }),
      expected: { url: 'https://coast.example/news/' },
    },
    {
      name: 'the guid is the upstream guid when there is one',
      entry: entry({ guid: ' coast-1 ', link: 'https://coast.example/a' }),
      expected: { guid: 'coast-1' },
    },
    {
      name: 'the guid falls back to the canonical link',
      entry: entry({ link: 'https://coast.example/a?utm_medium=feed' }),
      expected: { guid: 'https://coast.example/a' },
    },
    {
      name: 'an RFC 822 published date with +0100 becomes the UTC instant',
      entry: entry({ guid: 'g', published: 'Tue, 17 Nov 2026 08:15:00 +0100' }),
      expected: { publishedAt: new Date('2026-11-17T07:15:00Z'), updatedAt: new Date('2026-11-17T07:15:00Z') },
    },
    {
      name: 'an RFC 3339 published and a later updated date are both kept',
      entry: entry({ guid: 'g', published: '2026-11-17T08:15:00+02:00', updated: '2026-11-18T10:00:00Z' }),
      expected: { publishedAt: new Date('2026-11-17T06:15:00Z'), updatedAt: new Date('2026-11-18T10:00:00Z') },
    },
    {
      name: 'a missing date becomes ctx.now',
      entry: entry({ guid: 'g' }),
      expected: { publishedAt: now, updatedAt: now },
    },
    {
      name: 'only an updated date stands in for published',
      entry: entry({ guid: 'g', updated: '2026-11-17T08:00:00Z' }),
      expected: { publishedAt: new Date('2026-11-17T08:00:00Z'), updatedAt: new Date('2026-11-17T08:00:00Z') },
    },
    {
      name: 'an unreadable date becomes ctx.now',
      entry: entry({ guid: 'g', published: 'last Tuesday' }),
      expected: { publishedAt: now, updatedAt: now },
    },
    {
      name: 'future published and updated dates are clamped to ctx.now',
      entry: entry({ guid: 'g', published: '2027-01-01T00:00:00Z', updated: '2027-02-01T00:00:00Z' }),
      expected: { publishedAt: now, updatedAt: now },
    },
    {
      name: 'an updated date earlier than published becomes published',
      entry: entry({ guid: 'g', published: '2026-11-17T08:00:00Z', updated: '2026-11-10T00:00:00Z' }),
      expected: { publishedAt: new Date('2026-11-17T08:00:00Z'), updatedAt: new Date('2026-11-17T08:00:00Z') },
    },
    {
      name: 'an RSS "email (Name)" author becomes the name',
      entry: entry({ guid: 'g', author: 'jane@example.com (Jane Doe)' }),
      expected: { author: 'Jane Doe' },
    },
    {
      name: 'a plain author name is kept',
      entry: entry({ guid: 'g', author: ' Ana Pérez ' }),
      expected: { author: 'Ana Pérez' },
    },
    {
      name: 'HTML entities and tags in the title become plain text',
      entry: entry({ guid: 'g', title: 'Port &amp; harbour <em>reopen</em> &#8212; officially' }),
      expected: { title: 'Port & harbour reopen — officially' },
    },
    {
      name: 'XML-forbidden control characters are removed from title and summary',
      entry: entry({ guid: 'g', title: 'Tide\u0001 tables\u000B', summary: 'Low\u0008 water\u001F' }),
      expected: { title: 'Tide tables', summary: 'Low water' },
    },
    {
      name: 'a missing title becomes "(untitled)"',
      entry: entry({ guid: 'g', title: ' <br> ' }),
      expected: { title: '(untitled)' },
    },
    {
      name: 'a summary over 400 characters is cut at a word and ends with "…"',
      entry: entry({ guid: 'g', summary: `<p>${words.join(' ')}</p>` }),
      expected: { summary: `${words.slice(0, 58).join(' ')}…` },
    },
    {
      name: 'a summary of 400 characters or fewer is kept whole',
      entry: entry({ guid: 'g', summary: 'x'.repeat(400) }),
      expected: { summary: 'x'.repeat(400) },
    },
    {
      name: 'no summary stays undefined so refresh can take one from the content',
      entry: entry({ guid: 'g', content: '<p>Body</p>' }),
      expected: { summary: undefined, contentHtml: '<p>Body</p>' },
    },
    {
      name: 'a relative image URL resolves against the article URL and caption/credit become plain text',
      entry: entry({
        guid: 'g',
        link: 'https://coast.example/news/2026/barrier',
        image: { url: '../img/x.jpg?utm_source=rss', type: 'image/jpeg', caption: 'Gates &amp; <b>wall</b>', credit: ' ' },
      }),
      expected: { image: { url: 'https://coast.example/news/img/x.jpg', type: 'image/jpeg', caption: 'Gates & wall', credit: undefined } },
    },
    {
      name: 'an image with a non-http URL is dropped',
      entry: entry({ guid: 'g', image: { url: 'data:image/png;base64,AAAA' } }),
      expected: { image: undefined },
    },
    {
      name: 'upstream categories and tags become plain text, once each, blanks dropped',
      entry: entry({ guid: 'g', categories: ['Environment', '<b>Environment</b>', ' ', 'Sea &amp; Shore'], tags: ['Coast', 'Coast'] }),
      expected: { upstreamCategories: ['Environment', 'Sea & Shore'], tags: ['Coast'] },
    },
    {
      name: 'related links resolve against the article URL and non-http ones are dropped',
      entry: entry({
        guid: 'g',
        link: 'https://coast.example/news/barrier',
        related: [
          { url: 'barrier-plan#x', title: 'Barrier <i>plan</i>' },
          { url: 'javascript:void(0)', title: 'Bad' },
        ],
      }),
      expected: { related: [{ url: 'https://coast.example/news/barrier-plan', title: 'Barrier plan' }] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(pick(normalizeEntry(c.entry, ctx), c.expected), c.expected);
    });
  }

  test('without guid or link the guid is a sha1 hash of title and date, the same for the same input', () => {
    const guid = (fields: Partial<ParsedEntry>) => normalizeEntry(entry(fields), ctx).guid;
    const first = guid({ title: 'Tide tables', published: '2026-11-17T08:15:00Z' });
    assert.match(first, /^sha1:[0-9a-f]{40}$/);
    assert.equal(guid({ title: 'Tide tables', published: '2026-11-17T08:15:00Z' }), first);
    assert.equal(guid({ title: 'Tide tables', published: 'Tue, 17 Nov 2026 09:15:00 +0100' }), first, 'same instant written differently');
    assert.notEqual(guid({ title: 'Tide tables', published: '2026-11-18T08:15:00Z' }), first, 'another date');
    assert.notEqual(guid({ title: 'Tide charts', published: '2026-11-17T08:15:00Z' }), first, 'another title');
  });

  test(
    'an opaque (non-URL) guid does not become the article URL',
    () => {
      assert.equal(normalizeEntry(entry({ guid: 'coast-1' }), ctx).url, 'https://coast.example/news/');
    },
  );
});
