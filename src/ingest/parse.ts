// Turns a fetched document into a ParsedFeed. XML feeds (RSS 0.9x, RSS 1.0,
// RSS 2.0, Atom 1.0) go through rss-parser; JSON Feed 1.0/1.1 through our own
// reader because rss-parser reads XML only. An entry's image is the one the
// feed names, else the first picture of its content. What comes out is still
// untrusted text: every field optional, checked and cleaned in normalize.
import Parser from 'rss-parser';
import { firstContentImage } from './content-image.js';

export interface ParsedImage {
  url?: string;
  type?: string;
  caption?: string;
  credit?: string;
}

/**
 * One entry as read. Text fields (title, summary, author, categories, tags,
 * captions, related titles) are HTML text, as RSS and Atom give them:
 * normalize strips markup and decodes entities. Formats whose fields are
 * plain text (JSON Feed, Markdown front matter) escape them with `escapeHtml`
 * so that "AT&T <Live>" survives as written.
 */
export interface ParsedEntry {
  guid?: string;
  link?: string;
  title?: string;
  summary?: string;
  content?: string;
  author?: string;
  published?: string;
  updated?: string;
  categories: string[];
  tags: string[];
  image?: ParsedImage;
  related: { url: string; title?: string }[];
  rights?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json' | 'markdown';
  title?: string;
  link?: string;
  language?: string;
  rights?: string;
  entries: ParsedEntry[];
  /** Entries that could not be read, each described; the others still count. */
  problems?: string[];
}

export class ParseError extends Error {
  override name = 'ParseError';
}

type Node = unknown;
type Fields = Record<string, Node>;

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
    entries: (feed.items ?? []).map(xmlEntry),
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

/** The picture of the body when the feed names none; caption and credit as HTML text, like every text field here. */
function contentImage(html: string | undefined): ParsedImage | undefined {
  const found = html ? firstContentImage(html) : undefined;
  return found && { url: found.url, caption: escapeHtml(found.caption), credit: escapeHtml(found.credit) };
}

/** Media RSS says a missing medium is unknown: an element is an image when it says so by medium or type, or says nothing. */
function isImage(medium: string | undefined, type: string | undefined): boolean {
  if (medium) return medium === 'image';
  return type === undefined || type.startsWith('image/');
}

function parseJsonFeed(body: string): ParsedFeed {
  let doc: Fields;
  try {
    doc = JSON.parse(body) as Fields;
  } catch (err) {
    throw new ParseError(`parse: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) {
    throw new ParseError('parse: JSON document is not a JSON Feed (no jsonfeed.org version or no items)');
  }
  return {
    format: 'json',
    title: text(doc.title),
    link: text(doc.home_page_url),
    language: text(doc.language),
    entries: (doc.items as Node[]).filter(isObject).map((item) => {
      const authors = list(item.authors).concat(list(item.author));
      const image = text(item.image) ?? text(item.banner_image);
      const attachment = list(item.attachments).find((a) => text((a as Fields).mime_type)?.startsWith('image/')) as Fields | undefined;
      return {
        guid: text(item.id),
        link: text(item.url) ?? text(item.external_url),
        title: escapeHtml(text(item.title)),
        summary: escapeHtml(text(item.summary)),
        content: text(item.content_html) ?? escapeText(text(item.content_text)),
        author: escapeHtml(authors.map((a) => text((a as Fields).name)).find(Boolean)),
        published: text(item.date_published),
        updated: text(item.date_modified),
        categories: list(item.tags)
          .map((t) => escapeHtml(text(t)))
          .filter((t): t is string => !!t),
        tags: [],
        image: image
          ? { url: image }
          : attachment
            ? { url: text(attachment.url), type: text(attachment.mime_type) }
            : contentImage(text(item.content_html)),
        related: [],
      };
    }),
  };
}

/** The text of an xml2js node (a string, `{_: text}` or a one-element array) or a JSON value. */
export function text(node: Node): string | undefined {
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  if (isObject(node) && '_' in node) return text(node._);
  return undefined;
}

function attr(node: Node, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const attrs = node.$;
  return isObject(attrs) ? text(attrs[name]) : undefined;
}

function list(node: Node): Node[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

function isObject(node: Node): node is Fields {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** Plain text as HTML text. */
export function escapeHtml<T extends string | undefined>(value: T): T {
  return value?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') as T;
}

/** Plain text as HTML paragraphs, so that content_text and content_html are handled alike. */
function escapeText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `<p>${escapeHtml(value).split(/\n\s*\n/).join('</p><p>')}</p>`;
}
