// Turns a fetched document into a ParsedFeed. XML feeds (RSS 0.9x, RSS 1.0,
// RSS 2.0, Atom 1.0) go through rss-parser; JSON Feed 1.0/1.1 through our own
// reader because rss-parser reads XML only. An entry's image is the one the
// feed names, else the first picture of its content. What comes out is still
// untrusted text: every field optional, checked and cleaned in normalize.
import { decodeHTMLStrict } from 'entities';
import Parser from 'rss-parser';
import { contentImage } from './content-image.js';
import { attr, type Fields, isObject, list, needsRawReading, type Node, type RawEntry, readRawEntries, text } from './nodes.js';
import { parseJsonFeed } from './json-feed.js';
import { internalEntities } from './xml/entities.js';
import { isImageEnclosure } from '../../media-types.js';
import { withUsualPrefixes } from './xml/namespaces.js';
import { caseBlind, fromCdf, withChannel, withoutLeadingText, withStrayCharactersEscaped } from './xml/prepass.js';
import { ParseError, type ParsedEnclosure, type ParsedEntry, type ParsedFeed, type ParsedImage } from './parsed.js';

// rss-parser reads an Atom entry's <published> and <updated> with
// `new Date(…).toISOString()`: one unreadable date throws and loses the whole
// feed, and a zone-less date is read in the host's time zone. Renamed as
// xml2js reads them, they pass by rss-parser untouched and normalize reads
// the text as written (RSS dates already arrive that way: pubDate, dc:date).
// Atom 0.3 (http://purl.org/atom/ns#) names its dates issued, modified and
// created; no RSS or Atom 1.0 element has those names without a prefix, so
// they are read the same way wherever they appear.
const atomDates: Record<string, string> = {
  published: 'atomPublished',
  updated: 'atomUpdated',
  issued: 'atomIssued',
  modified: 'atomModified',
  created: 'atomCreated',
};

// RSS names a few elements in camel case; a feed that writes them in lower
// case (<pubdate>) or reads case-blind gets them under rss-parser's names.
const camelCase: Record<string, string> = {
  pubdate: 'pubDate',
  lastbuilddate: 'lastBuildDate',
  managingeditor: 'managingEditor',
  webmaster: 'webMaster',
  skiphours: 'skipHours',
  skipdays: 'skipDays',
  'rdf:rdf': 'rdf:RDF',
};
const elementName = (name: string) => atomDates[name] ?? camelCase[name] ?? name;

const parserOptions: Parser.ParserOptions<Fields, Fields> = {
  // An <rss> whose version is missing or unusual ("", "2.00", "RSS2", "1.0")
  // is read as RSS 2.0, as the Universal Feed Parser does: the elements are
  // the same, and rss-parser would otherwise refuse the document.
  defaultRSS: 2,
  xml2js: { tagNameProcessors: [elementName] },
  customFields: {
    feed: ['language', 'rights', 'copyright'],
    item: [
      ['link', 'links', { keepArray: true }],
      // rss-parser keeps the first <enclosure> only (as `enclosure`).
      ['enclosure', 'enclosures', { keepArray: true }],
      ['atom:link', 'atomLinks', { keepArray: true }],
      ['category', 'atomCategories', { keepArray: true }],
      ['media:content', 'mediaContent', { keepArray: true }],
      ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
      ['media:group', 'mediaGroup', { keepArray: true }],
      ['atomPublished', 'atomPublished'],
      ['atomUpdated', 'atomUpdated'],
      ['atomIssued', 'atomIssued'],
      ['atomModified', 'atomModified'],
      ['atomCreated', 'atomCreated'],
      ['atom:published', 'atomPrefixedPublished'],
      ['atom:updated', 'atomPrefixedUpdated'],
      ['dcterms:issued', 'dctermsIssued'],
      ['dcterms:created', 'dctermsCreated'],
      ['dcterms:modified', 'dctermsModified'],
      ['content', 'contentNodes', { keepArray: true }],
      ['rights', 'rights'],
      ['dc:rights', 'dcRights'],
      ['dc:date', 'dcDate'],
      ['dc:creator', 'dcCreator'],
      ['author', 'authors', { keepArray: true }],
      ['itunes:author', 'itunesAuthor'],
    ],
  },
};

const EXTERNAL_ENTITY = /<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b/;

/** The same, for documents whose element names are read case-blind (prepass.ts caseBlind). */
const caseBlindOptions: Parser.ParserOptions<Fields, Fields> = {
  ...parserOptions,
  xml2js: { tagNameProcessors: [(name: string) => elementName(name.toLowerCase())] },
};

/** rss-parser's xml2js parser and its sax parser, whose table of known entities takes the document's own. */
interface SaxInside {
  xmlParser: { saxParser: { ENTITIES: Record<string, string> } };
}

export async function parseFeed(body: string): Promise<ParsedFeed> {
  const start = withoutLeadingText(body.replace(/^\uFEFF/, '').trimStart());
  if (start.startsWith('{')) return parseJsonFeed(start);
  if (!start.startsWith('<')) throw new ParseError('parse: the document is neither XML nor JSON');
  let xml = withChannel(withUsualPrefixes(fromCdf(start)));
  const entities = internalEntities(xml);
  const options = caseBlind(start) ? caseBlindOptions : parserOptions;
  let feed: Fields & { items: Fields[] };
  try {
    feed = await readWithRssParser(xml, entities, options);
  } catch (err) {
    // A stray "&" or "<", or an undeclared entity: read again with them as
    // text, as the Universal Feed Parser's loose parser does. A reference to
    // an external entity stays refused (entities.ts).
    if (!/entity|tag name|unencoded </i.test((err as Error).message) || EXTERNAL_ENTITY.test(xml.slice(0, 4096))) throw notReadable(err);
    xml = withStrayCharactersEscaped(xml, (name) => name in (entities ?? {}) || decodeHTMLStrict(`&${name};`) !== `&${name};`);
    try {
      feed = await readWithRssParser(xml, entities, options);
    } catch {
      throw notReadable(err);
    }
  }
  const format = /<feed[\s>]/i.test(xml.slice(0, 2000)) ? 'atom' : 'rss';
  return {
    format,
    title: text(feed.title),
    link: text(feed.link),
    language: text(feed.language),
    rights: text(feed.rights) ?? text(feed.copyright),
    entries: withRawReading(xml, (feed.items ?? []).map(xmlEntry)),
  };
}

async function readWithRssParser(
  xml: string,
  entities: Record<string, string> | undefined,
  options: Parser.ParserOptions<Fields, Fields>,
): Promise<Fields & { items: Fields[] }> {
  // A parser per document: rss-parser keeps one xml2js parser, and after a
  // document with two errors that parser ignores the next document's
  // errors, so one broken feed would let the next broken one through.
  const parser = new Parser<Fields, Fields>(options);
  if (entities) Object.assign((parser as unknown as SaxInside).xmlParser.saxParser.ENTITIES, entities);
  return (await parser.parseString(xml)) as Fields & { items: Fields[] };
}

function notReadable(err: unknown): ParseError {
  if (err instanceof RangeError) return new ParseError('parse: not a readable feed: elements nest too deeply', { cause: err });
  return new ParseError(`parse: not a readable feed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
}

/** Titles, content, bases and inherited authors from the ordered reading (nodes.ts), when it found the same entries. */
function withRawReading(xml: string, entries: ParsedEntry[]): ParsedEntry[] {
  let raw: RawEntry[] | undefined;
  try {
    raw = needsRawReading(xml) ? readRawEntries(xml) : undefined;
  } catch {
    // Markup nested past the stack's depth (a hostile title of 50,000 <b>):
    // rss-parser's reading stands.
    raw = undefined;
  }
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
  const content = base64Content(item) ?? text(item.content);
  // RFC 4287 4.2.7.2: an Atom link without rel is the alternate one. Of
  // several (a PDF and a page), the page is the story's link, as the
  // Universal Feed Parser chooses.
  const alternates = links.filter((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate' && attr(l, 'href'));
  const alternate = alternates.find((l) => isPage(attr(l, 'type'))) ?? alternates[0];
  return {
    guid: text(item.guid) ?? text(item.id),
    link: attr(alternate, 'href') ?? text(item.link),
    title: text(item.title),
    summary: text(item.summary) ?? (encoded ? content : undefined),
    content: encoded ?? content,
    author: text(item.dcCreator) ?? firstAuthor(item.authors) ?? text(item.itunesAuthor),
    // The Universal Feed Parser's order: the publication date, then the
    // creation date; dcterms (DCMI Terms) and Atom 0.3 name them differently.
    published: firstText(item, ['pubDate', 'dcDate', 'atomPublished', 'atomPrefixedPublished', 'dctermsIssued', 'atomIssued', 'dctermsCreated', 'atomCreated']),
    updated: firstText(item, ['atomUpdated', 'atomPrefixedUpdated', 'dctermsModified', 'atomModified']),
    categories: list(item.atomCategories)
      .map((c) => attr(c, 'label') ?? attr(c, 'term') ?? text(c))
      .filter((c): c is string => !!c),
    tags: [],
    image: xmlImage(item, links) ?? contentImage(encoded ?? content),
    enclosures: xmlEnclosures(item, links),
    related,
    rights: text(item.rights) ?? text(item.dcRights),
  };
}

/** Atom 0.3 (draft-ietf-atompub-format-03 3.1.2) lets content say mode="base64". */
function base64Content(item: Fields): string | undefined {
  const node = list(item.contentNodes)[0];
  if (attr(node, 'mode') !== 'base64') return undefined;
  const encoded = text(node);
  return encoded && Buffer.from(encoded, 'base64').toString('utf8');
}

function firstText(item: Fields, names: string[]): string | undefined {
  for (const name of names) {
    const value = text(item[name]);
    if (value) return value;
  }
  return undefined;
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
  // Any <enclosure>, not only the first (rss-parser's `enclosure`): a podcast may list its sound before its cover.
  const enclosure = list(item.enclosures).find((e) => isImageEnclosure(attr(e, 'url'), attr(e, 'type')));
  const enclosureLink = links.find((l) => attr(l, 'rel') === 'enclosure' && isImageEnclosure(attr(l, 'href'), attr(l, 'type')));
  const thumbnail = list(item.mediaThumbnail)[0];
  // The first image found, with the type that came with that same element.
  const found =
    (attr(media, 'url') && { url: attr(media, 'url'), type: attr(media, 'type') }) ||
    (attr(enclosure, 'url') && { url: attr(enclosure, 'url'), type: attr(enclosure, 'type') }) ||
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

function isPage(type: string | undefined): boolean {
  return type === undefined || /^(text\/html|application\/xhtml\+xml)\b/i.test(type);
}

/** RSS <enclosure url length type> (every one, though RSS 2.0 allows one) and Atom <link rel="enclosure" href type length title>. */
function xmlEnclosures(item: Fields, links: Node[]): ParsedEnclosure[] {
  const rss = list(item.enclosures).map((e) => ({ url: attr(e, 'url'), type: attr(e, 'type'), length: attr(e, 'length') }));
  const atom = links
    .filter((l) => attr(l, 'rel') === 'enclosure')
    .map((l) => ({ url: attr(l, 'href'), type: attr(l, 'type'), length: attr(l, 'length'), title: attr(l, 'title') }));
  return [...rss, ...atom].filter((e) => e.url);
}

/** Media RSS says a missing medium is unknown: an element is an image when it says so by medium or type, or says nothing. */
function isImage(medium: string | undefined, type: string | undefined): boolean {
  if (medium) return medium === 'image';
  return type === undefined || type.startsWith('image/');
}
