// Turns a fetched document into a ParsedFeed. XML feeds (RSS 0.9x, RSS 1.0,
// RSS 2.0, Atom 1.0) go through rss-parser; JSON Feed 1.0/1.1 through our own
// reader because rss-parser reads XML only. An entry's image is the one the
// feed names, else the first picture of its content. What comes out is still
// untrusted text: every field optional, checked and cleaned in normalize.
import Parser from 'rss-parser';
import { contentImage } from './content-image.js';
import { attr, type Fields, isObject, list, needsRawReading, type Node, type RawEntry, readRawEntries, text } from './nodes.js';
import { parseJsonFeed } from './json-feed.js';
import { ParseError, type ParsedEntry, type ParsedFeed, type ParsedImage } from './parsed.js';

// rss-parser reads an Atom entry's <published> and <updated> with
// `new Date(…).toISOString()`: one unreadable date throws and loses the whole
// feed, and a zone-less date is read in the host's time zone. Renamed as
// xml2js reads them, they pass by rss-parser untouched and normalize reads
// the text as written (RSS dates already arrive that way: pubDate, dc:date).
const atomDates: Record<string, string> = { published: 'atomPublished', updated: 'atomUpdated' };

const parserOptions: Parser.ParserOptions<Fields, Fields> = {
  xml2js: { tagNameProcessors: [(name: string) => atomDates[name] ?? name] },
  customFields: {
    feed: ['language', 'rights', 'copyright'],
    item: [
      ['link', 'links', { keepArray: true }],
      ['atom:link', 'atomLinks', { keepArray: true }],
      ['category', 'atomCategories', { keepArray: true }],
      ['media:content', 'mediaContent', { keepArray: true }],
      ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
      ['media:group', 'mediaGroup', { keepArray: true }],
      ['atomPublished', 'atomPublished'],
      ['atomUpdated', 'atomUpdated'],
      ['rights', 'rights'],
      ['dc:rights', 'dcRights'],
      ['dc:date', 'dcDate'],
      ['dc:creator', 'dcCreator'],
      ['author', 'authors', { keepArray: true }],
      ['itunes:author', 'itunesAuthor'],
    ],
  },
};

export async function parseFeed(body: string): Promise<ParsedFeed> {
  const start = body.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return parseJsonFeed(start);
  if (!start.startsWith('<')) throw new ParseError('parse: the document is neither XML nor JSON');
  let feed: Fields & { items: Fields[] };
  try {
    // A parser per document: rss-parser keeps one xml2js parser, and after a
    // document with two errors that parser ignores the next document's
    // errors, so one broken feed would let the next broken one through.
    feed = (await new Parser<Fields, Fields>(parserOptions).parseString(start)) as Fields & { items: Fields[] };
  } catch (err) {
    throw new ParseError(`parse: not a readable feed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const format = /<feed[\s>]/.test(start.slice(0, 2000)) ? 'atom' : 'rss';
  return {
    format,
    title: text(feed.title),
    link: text(feed.link),
    language: text(feed.language),
    rights: text(feed.rights) ?? text(feed.copyright),
    entries: withRawReading(start, (feed.items ?? []).map(xmlEntry)),
  };
}

/** Titles, content, bases and inherited authors from the ordered reading (nodes.ts), when it found the same entries. */
function withRawReading(xml: string, entries: ParsedEntry[]): ParsedEntry[] {
  const raw = needsRawReading(xml) ? readRawEntries(xml) : undefined;
  if (!raw || raw.length !== entries.length) return entries;
  return entries.map((entry, i) => withRaw(entry, raw[i]!));
}

function withRaw(entry: ParsedEntry, raw: RawEntry): ParsedEntry {
  const content = raw.content ?? entry.content;
  return {
    ...entry,
    title: raw.title ?? entry.title,
    summary: raw.summary ?? entry.summary,
    content,
    author: entry.author ?? raw.author,
    image: content === entry.content ? entry.image : (entry.image?.url ? entry.image : (contentImage(content) ?? entry.image)),
    ...(raw.base !== undefined && { base: raw.base }),
    ...(raw.contentBase !== undefined && { contentBase: raw.contentBase }),
  };
}

function xmlEntry(item: Fields): ParsedEntry {
  const links = list(item.links).concat(list(item.atomLinks));
  const related = links
    .filter((l) => attr(l, 'rel') === 'related' && attr(l, 'href'))
    .map((l) => ({ url: attr(l, 'href') as string, title: attr(l, 'title') }));
  // RSS puts the body in content:encoded and a summary in description (which
  // rss-parser calls content); a feed with description alone gets it as both.
  const encoded = text(item['content:encoded']);
  // RFC 4287 4.2.7.2: an Atom link without rel is the alternate one.
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate' && attr(l, 'href'));
  return {
    guid: text(item.guid) ?? text(item.id),
    link: attr(alternate, 'href') ?? text(item.link),
    title: text(item.title),
    summary: text(item.summary) ?? (encoded ? text(item.content) : undefined),
    content: encoded ?? text(item.content),
    author: text(item.dcCreator) ?? firstAuthor(item.authors) ?? text(item.itunesAuthor),
    published: text(item.pubDate) ?? text(item.dcDate) ?? text(item.atomPublished),
    updated: text(item.atomUpdated),
    categories: list(item.atomCategories)
      .map((c) => attr(c, 'label') ?? attr(c, 'term') ?? text(c))
      .filter((c): c is string => !!c),
    tags: [],
    image: xmlImage(item, links) ?? contentImage(encoded ?? text(item.content)),
    related,
    rights: text(item.rights) ?? text(item.dcRights),
  };
}

/** RSS <author> is text ("email (Name)", which normalize reads); an Atom <author> holds a <name>. The first one named. */
function firstAuthor(authors: Node): string | undefined {
  return list(authors)
    .map((a) => (isObject(a) && !('_' in a) ? text(a.name) : text(a)))
    .find(Boolean);
}

function xmlImage(item: Fields, links: Node[]): ParsedImage | undefined {
  const media = list(item.mediaContent)
    .concat(list(item.mediaGroup).flatMap((g) => list((g as Fields)['media:content'])))
    .find((m) => isImage(attr(m, 'medium'), attr(m, 'type')));
  const enclosure = item.enclosure as Record<string, string> | undefined;
  const enclosureLink = links.find((l) => attr(l, 'rel') === 'enclosure' && isImage(undefined, attr(l, 'type')));
  const thumbnail = list(item.mediaThumbnail)[0];
  // The first image found, with the type that came with that same element.
  const found =
    (attr(media, 'url') && { url: attr(media, 'url'), type: attr(media, 'type') }) ||
    (enclosure?.url && isImage(undefined, enclosure.type) && { url: enclosure.url, type: enclosure.type }) ||
    (attr(enclosureLink, 'href') && { url: attr(enclosureLink, 'href'), type: attr(enclosureLink, 'type') }) ||
    (attr(thumbnail, 'url') && { url: attr(thumbnail, 'url'), type: undefined });
  if (!found) return undefined;
  const m = media as Fields | undefined;
  return {
    url: found.url,
    type: found.type,
    caption: text(m?.['media:description']) ?? text(item['media:description']),
    credit: text(m?.['media:credit']) ?? text(item['media:credit']),
  };
}

/** Media RSS says a missing medium is unknown: an element is an image when it says so by medium or type, or says nothing. */
function isImage(medium: string | undefined, type: string | undefined): boolean {
  if (medium) return medium === 'image';
  return type === undefined || type.startsWith('image/');
}
