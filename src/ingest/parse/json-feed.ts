// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read by us
// because rss-parser reads XML only. Its text fields are plain text, so they
// are escaped into the HTML text every ParsedEntry carries.
import { contentImage } from './content-image.js';
import { escapeHtml, type Fields, isObject, list, type Node, text } from './nodes.js';
import { ParseError, type ParsedFeed } from './parsed.js';

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

/** Plain text as HTML paragraphs, so that content_text and content_html are handled alike. */
function escapeText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `<p>${escapeHtml(value).split(/\n\s*\n/).join('</p><p>')}</p>`;
}
