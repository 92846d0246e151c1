import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalUrl, type NormalizedEntry, normalizeEntry, parseDate, plainText } from '../../../src/ingest/clean/normalize.js';
import type { ParsedEntry } from '../../../src/ingest/parse/parsed.js';

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
      name: 'a user name and password are dropped: a credential is never republished',
      value: 'https://editor:hunter2@coast.example/a',
      expected: 'https://coast.example/a',
    },
    {
      name: 'a link longer than 8,192 characters is no link',
      value: `https://coast.example/${'a'.repeat(9000)}`,
      expected: undefined,
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
    { name: 'an RFC 822 date in UT', value: 'Tue, 17 Nov 2026 08:15:00 UT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an RFC 822 date in Z', value: 'Tue, 17 Nov 2026 08:15:00 Z', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an RFC 822 date in UTC', value: 'Tue, 17 Nov 2026 08:15:00 UTC', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'EST is UTC-5', value: 'Tue, 17 Nov 2026 08:15:00 EST', expected: '2026-11-17T13:15:00.000Z' },
    { name: 'EDT is UTC-4', value: 'Fri, 17 Jul 2026 08:15:00 EDT', expected: '2026-07-17T12:15:00.000Z' },
    { name: 'CST is US Central, UTC-6 (as RFC 822, not China)', value: 'Tue, 17 Nov 2026 08:15:00 CST', expected: '2026-11-17T14:15:00.000Z' },
    { name: 'CDT is UTC-5', value: 'Fri, 17 Jul 2026 08:15:00 CDT', expected: '2026-07-17T13:15:00.000Z' },
    { name: 'MST is UTC-7', value: 'Tue, 17 Nov 2026 08:15:00 MST', expected: '2026-11-17T15:15:00.000Z' },
    { name: 'MDT is UTC-6', value: 'Fri, 17 Jul 2026 08:15:00 MDT', expected: '2026-07-17T14:15:00.000Z' },
    { name: 'PST is UTC-8', value: 'Tue, 17 Nov 2026 08:15:00 PST', expected: '2026-11-17T16:15:00.000Z' },
    { name: 'PDT is UTC-7', value: 'Fri, 17 Jul 2026 08:15:00 PDT', expected: '2026-07-17T15:15:00.000Z' },
    { name: 'CET (not RFC 822, V8 cannot read it) is UTC+1', value: 'Tue, 17 Nov 2026 08:15:00 CET', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'CEST is UTC+2', value: 'Fri, 17 Jul 2026 08:15:00 CEST', expected: '2026-07-17T06:15:00.000Z' },
    { name: 'BST is British Summer Time, UTC+1', value: 'Fri, 17 Jul 2026 08:15:00 BST', expected: '2026-07-17T07:15:00.000Z' },
    { name: 'IST is India, UTC+05:30', value: 'Tue, 17 Nov 2026 08:15:00 IST', expected: '2026-11-17T02:45:00.000Z' },
    { name: 'JST is UTC+9', value: 'Tue, 17 Nov 2026 08:15:00 JST', expected: '2026-11-16T23:15:00.000Z' },
    { name: 'AEST is UTC+10', value: 'Fri, 17 Jul 2026 08:15:00 AEST', expected: '2026-07-16T22:15:00.000Z' },
    { name: 'AEDT is UTC+11', value: 'Tue, 17 Nov 2026 08:15:00 AEDT', expected: '2026-11-16T21:15:00.000Z' },
    { name: 'NZST is UTC+12', value: 'Fri, 17 Jul 2026 08:15:00 NZST', expected: '2026-07-16T20:15:00.000Z' },
    { name: 'a zone name in lower case', value: 'Tue, 17 Nov 2026 08:15:00 cet', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'a +0530 offset', value: 'Tue, 17 Nov 2026 08:15:00 +0530', expected: '2026-11-17T02:45:00.000Z' },
    { name: 'a +05:30 offset written with a colon', value: 'Tue, 17 Nov 2026 08:15:00 +05:30', expected: '2026-11-17T02:45:00.000Z' },
    { name: 'a -0000 offset (UTC, local zone unknown: RFC 5322 section 3.3)', value: 'Tue, 17 Nov 2026 08:15:00 -0000', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'a -0330 offset', value: 'Tue, 17 Nov 2026 08:15:00 -0330', expected: '2026-11-17T11:45:00.000Z' },
    { name: 'a comment after the zone is ignored', value: 'Tue, 17 Nov 2026 08:15:00 +0100 (CET)', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'a missing day name', value: '17 Nov 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'a day name without its comma', value: 'Tue 17 Nov 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'a full day and month name', value: 'Tuesday, 17 November 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: '"Sept" for September', value: 'Thu, 17 Sept 2026 08:15:00 GMT', expected: '2026-09-17T08:15:00.000Z' },
    { name: 'a one-digit day and hour, no seconds', value: 'Sat, 7 Nov 2026 8:15 GMT', expected: '2026-11-07T08:15:00.000Z' },
    { name: 'a two-digit year 26 is 2026 (RFC 5322 section 4.3)', value: '17 Nov 26 08:15 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'a two-digit year 99 is 1999', value: '17 Nov 99 08:15 GMT', expected: '1999-11-17T08:15:00.000Z' },
    { name: 'a lower-case month', value: 'Tue, 17 nov 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'extra whitespace inside and around', value: '  Tue,  17   Nov 2026\t08:15:00   GMT \n', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'no zone at all is UTC', value: 'Tue, 17 Nov 2026 08:15:00', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'a wrong day name does not matter', value: 'Mon, 17 Nov 2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an unknown zone name gives undefined, not a guess', value: 'Tue, 17 Nov 2026 08:15:00 XYZT', expected: undefined },
    { name: 'a military single-letter zone gives undefined', value: 'Tue, 17 Nov 2026 08:15:00 A', expected: undefined },
    { name: 'an unknown month gives undefined', value: 'Tue, 17 Nox 2026 08:15:00 GMT', expected: undefined },
    { name: '31 Nov (a day that does not exist) gives undefined', value: 'Tue, 31 Nov 2026 08:15:00 GMT', expected: undefined },
    { name: 'hour 25 gives undefined', value: 'Tue, 17 Nov 2026 25:15:00 GMT', expected: undefined },
    { name: 'an offset with 75 minutes gives undefined', value: 'Tue, 17 Nov 2026 08:15:00 +0175', expected: undefined },
    { name: 'a zone-less RFC 3339 date-time is UTC', value: '2026-11-17T08:15:00', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an ISO date-time with a space instead of T', value: '2026-11-17 08:15:00+02:00', expected: '2026-11-17T06:15:00.000Z' },
    { name: 'an ISO offset without colon', value: '2026-11-17T08:15:00+0530', expected: '2026-11-17T02:45:00.000Z' },
    { name: 'a lower-case t and z (RFC 3339 section 5.6)', value: '2026-11-17t08:15:00z', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an ISO date alone is midnight UTC', value: '2026-11-17', expected: '2026-11-17T00:00:00.000Z' },
    { name: 'ISO minutes without seconds', value: '2026-11-17T08:15Z', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an ISO 30 February gives undefined (V8 would roll it into March)', value: '2026-02-30T08:15:00Z', expected: undefined },
    { name: 'an ISO offset of hours alone', value: '2026-11-17T08:15:00+01', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an ISO date-time with a space before the offset', value: '2026-11-17T08:15:00 +01:00', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an ISO date with unpadded month and day', value: '2026-1-2', expected: '2026-01-02T00:00:00.000Z' },
    { name: 'ISO fractional seconds beyond milliseconds are cut', value: '2026-11-17T08:15:00.123456789Z', expected: '2026-11-17T08:15:00.123Z' },
    { name: 'an RFC 822 date without a time is midnight UTC', value: 'Tue, 17 Nov 2026', expected: '2026-11-17T00:00:00.000Z' },
    { name: 'an RFC 822 date with dashes', value: 'Tue, 17-Nov-2026 08:15:00 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an RFC 822 zone written GMT+01:00', value: 'Tue, 17 Nov 2026 08:15:00 GMT+01:00', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an RFC 822 offset followed by its name', value: 'Tue, 17 Nov 2026 08:15:00 +0000 GMT', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'one-digit minutes and seconds', value: 'Tue, 17 Nov 2026 8:5:3 GMT', expected: '2026-11-17T08:05:03.000Z' },
    { name: "JavaScript's Date toString()", value: 'Tue Nov 17 2026 08:15:00 GMT+0100 (Central European Standard Time)', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'a Perforce-style date', value: 'Tue, 2026/11/17 08:15:00 EST', expected: '2026-11-17T13:15:00.000Z' },
    { name: 'an offset of 15 hours gives undefined', value: '2026-11-17T08:15:00+15:00', expected: undefined },
    { name: 'a W3C-DTF year and month is the first of the month, UTC', value: '2026-03', expected: '2026-03-01T00:00:00.000Z' },
    { name: 'a W3C-DTF year alone is 1 January, UTC', value: '2026', expected: '2026-01-01T00:00:00.000Z' },
    { name: 'a W3C-DTF month 13 gives undefined', value: '2026-13', expected: undefined },
    { name: 'an ISO 8601 basic-format date', value: '20261117', expected: '2026-11-17T00:00:00.000Z' },
    { name: 'an ISO 8601 basic-format date-time with an offset', value: '20261117T081500+0100', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an asctime() date is UTC', value: 'Tue Nov 17 08:15:00 2026', expected: '2026-11-17T08:15:00.000Z' },
    { name: 'an asctime() date with a space-padded day', value: 'Sat Nov  7 08:15:00 2026', expected: '2026-11-07T08:15:00.000Z' },
    { name: 'a date(1) date with its zone before the year', value: 'Tue Nov 17 08:15:00 CET 2026', expected: '2026-11-17T07:15:00.000Z' },
    { name: 'an asctime() date with an impossible day gives undefined', value: 'Tue Nov 31 08:15:00 2026', expected: undefined },
    { name: 'a US slash date, read by V8 in the host time zone, gives undefined', value: '11/17/2026 08:15', expected: undefined },
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
    { name: 'text with neither tag nor entity keeps its quotes and greater-than signs', value: ' Rates > 5% "for now" ', expected: 'Rates > 5% "for now"' },
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
      name: 'an entry with its own link is marked as having one',
      entry: entry({ guid: 'g1', link: 'https://coast.example/news/barrier' }),
      expected: { url: 'https://coast.example/news/barrier', urlFallback: false },
    },
    {
      name: "without a link the feed's page stands in, marked as a fallback",
      entry: entry({ guid: 'coast-1', title: 'Orphan' }),
      expected: { guid: 'coast-1', url: 'https://coast.example/news/', urlFallback: true },
    },
    {
      name: "a link to the feed's own page is no link of the entry's: a fallback, and not its guid",
      entry: entry({ title: 'Gates shut', link: 'https://coast.example/news/#latest', published: '2026-11-17T08:15:00Z' }),
      expected: { url: 'https://coast.example/news/', urlFallback: true },
    },
    {
      name: "a guid that is the feed's own page is not the entry's URL either",
      entry: entry({ guid: 'https://coast.example/news/?utm_source=rss', title: 'Gates shut' }),
      expected: { url: 'https://coast.example/news/', urlFallback: true },
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
      name: 'a published date in CET, a zone V8 cannot read, becomes the UTC instant',
      entry: entry({ guid: 'g', published: 'Tue, 17 Nov 2026 08:15:00 CET' }),
      expected: { publishedAt: new Date('2026-11-17T07:15:00Z'), updatedAt: new Date('2026-11-17T07:15:00Z') },
    },
    {
      name: 'a zone-less Atom date as parse hands it on is UTC',
      entry: entry({ guid: 'g', published: '2026-11-18T09:30:00', updated: '2026-11-18T10:00:00' }),
      expected: { publishedAt: new Date('2026-11-18T09:30:00Z'), updatedAt: new Date('2026-11-18T10:00:00Z') },
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

  test("entries whose only link is the feed's page get guids of their own, by title and date", () => {
    const guid = (title: string) => normalizeEntry(entry({ title, link: 'https://coast.example/news/', published: '2026-11-17T08:15:00Z' }), ctx).guid;
    assert.match(guid('Gates shut'), /^sha1:/);
    assert.notEqual(guid('Gates shut'), guid('Gates open'));
  });

  test(
    'an opaque (non-URL) guid does not become the article URL',
    () => {
      assert.equal(normalizeEntry(entry({ guid: 'coast-1' }), ctx).url, 'https://coast.example/news/');
    },
  );
});
