// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read by us
// because rss-parser reads XML only. Its text fields are plain text, so they
// are escaped into the HTML text every ParsedEntry carries.
import { contentImage } from './content-image.js';
import { escapeHtml, type Fields, isObject, list, type Node, text } from './nodes.js';
import { ParseError, type ParsedEnclosure, type ParsedFeed } from './parsed.js';

export function parseJsonFeed(body: string): ParsedFeed {
  let doc: Fields;
  try {
    doc = JSON.parse(body) as Fields;
  } catch (err) {
    throw new ParseError(`parse: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) {
    throw new ParseError('parse: JSON document is not a JSON Feed (no jsonfeed.org version or no items)');
  }
  // 1.1's `authors`, else 1.0's single `author`: an item that names nobody takes the feed's.
  const feedAuthor = authorName(doc);
  return {
    format: 'json',
    title: text(doc.title),
    link: text(doc.home_page_url),
    language: text(doc.language),
    entries: (doc.items as Node[]).filter(isObject).map((item) => {
      const image = text(item.image) ?? text(item.banner_image);
      const attachments = list(item.attachments).filter(isObject);
      const attachment = attachments.find((a) => text(a.mime_type)?.startsWith('image/'));
      return {
        guid: text(item.id),
        link: text(item.url) ?? text(item.external_url),
        title: escapeHtml(text(item.title)),
        summary: escapeHtml(text(item.summary)),
        content: text(item.content_html) ?? escapeText(text(item.content_text)),
        // 1.1: "if not specified in an item, then the top-level authors" are the item's.
        author: escapeHtml(authorsOf(item).length > 0 ? authorName(item) : feedAuthor),
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
        enclosures: attachments.map(readAttachment),
        related: [],
      };
    }),
  };
}

/**
 * The first name among an object's authors (1.1) or its author (1.0). An
 * author may have only a url or an avatar (both versions allow it): it
 * names nobody. A bare string, which neither version allows, is read as the name.
 */
function authorName(owner: Fields): string | undefined {
  return authorsOf(owner)
    .map((a) => (isObject(a) ? text(a.name) : text(a)))
    .find(Boolean);
}

/**
 * The authors an object gives, 1.1's and 1.0's together (either may be a
 * single value or a list). One that says nothing (`{}`, "") is not there.
 */
function authorsOf(owner: Fields): Node[] {
  return list(owner.authors)
    .concat(list(owner.author))
    .filter((a) => (isObject(a) ? [a.name, a.url, a.avatar].some((v) => text(v)) : typeof a === 'string' && text(a)));
}

/** A JSON Feed 1.1 attachment (1.0 has the same fields); its title is plain text. Strings must be strings: a number is no URL. */
function readAttachment(a: Fields): ParsedEnclosure {
  const string = (value: Node) => (typeof value === 'string' ? text(value) : undefined);
  return {
    url: string(a.url),
    type: string(a.mime_type),
    length: text(a.size_in_bytes),
    title: escapeHtml(string(a.title)),
    duration: text(a.duration_in_seconds),
  };
}

/** Plain text as HTML paragraphs, so that content_text and content_html are handled alike. */
function escapeText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `<p>${escapeHtml(value).split(/\n\s*\n/).join('</p><p>')}</p>`;
}
