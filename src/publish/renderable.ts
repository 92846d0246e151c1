// Rendering does not trust stored data (issue 14). Ingest normalizes every
// article, but a row that reached the database another way (an older
// version of the pipeline, a hand edit, a bug) must cost its own item at
// most, never the feed. So before any format sees the items, each is
// checked cheaply: a regular expression per text field and per URL, a URL
// parse per URL; a clean item passes through as the same object.
//
// - An item whose own URL or dates are unusable is left out: a feed reader
//   could neither link nor date it, and `feed` throws on a relative link or
//   an invalid date.
// - A bad URL inside an item (its image, an enclosure, a related story, its
//   source's site or feed) is dropped, and the item kept without it.
// - Characters XML 1.0 cannot carry at all (section 2.2: C0 controls other
//   than tab, LF and CR, U+FFFE, U+FFFF) are removed from its text, in every
//   format alike.
// Each item left out or repaired is logged once per render, with its id
// and why, as a warning: the fix belongs at ingest.
import type { Log } from '../observe/log.js';
import type { Article } from '../model.js';

const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, 'g');

/**
 * An absolute http(s) URL without whitespace or control characters, which
 * would be printed as they are in attributes; URL.canParse then checks
 * the rest (a host, a port in range).
 */
const HTTP_URL = /^https?:\/\/[^\s\u0000-\u001F\u007F\uFFFE\uFFFF]+$/i;

/** The items that can be rendered, repaired where they can be; the others left out. */
export function renderableItems(items: Article[], log: Log): Article[] {
  const kept: Article[] = [];
  for (const article of items) {
    const unusable = whyUnusable(article);
    if (unusable) {
      log.warn({ event: 'feed_item_dropped', article_id: article.id, reason: unusable }, 'publish: item left out of the feed');
      continue;
    }
    if (isClean(article)) {
      kept.push(article);
      continue;
    }
    const repairs: string[] = [];
    kept.push(repaired(article, repairs));
    log.warn({ event: 'feed_item_repaired', article_id: article.id, repairs }, 'publish: item published without what it could not carry');
  }
  return kept;
}

/** `text` without the characters XML cannot carry: for stored names that titles are made of (catalog.ts). */
export function xmlSafeText(text: string): string {
  return XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN_ALL, '') : text;
}

export function isHttpUrl(url: string | undefined): url is string {
  return url !== undefined && HTTP_URL.test(url) && URL.canParse(url);
}

/**
 * RFC 3339 (Atom, JSON Feed) has four-digit years: 0000 to 9999. An
 * invalid Date (NaN) fails both comparisons.
 */
function isRenderableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999;
}

function whyUnusable(a: Article): string | undefined {
  if (!isHttpUrl(a.url)) return 'url is not an absolute http(s) URL';
  if (!isRenderableDate(a.publishedAt)) return 'published_at is not a time between the years 0 and 9999';
  if (!isRenderableDate(a.updatedAt)) return 'updated_at is not a time between the years 0 and 9999';
  return undefined;
}

/**
 * Whether `a` needs no repair: the fields `repaired` looks at, tested
 * without building anything, since nearly every item is clean.
 */
function isClean(a: Article): boolean {
  const text = (value: string | undefined) => value === undefined || !XML_FORBIDDEN.test(value);
  const url = (value: string | undefined) => value === undefined || isHttpUrl(value);
  return (
    text(a.title) &&
    text(a.summary) &&
    text(a.contentHtml) &&
    text(a.author) &&
    text(a.rights) &&
    text(a.language) &&
    (a.image === undefined || (url(a.image.url) && text(a.image.caption) && text(a.image.credit))) &&
    (a.enclosures ?? []).every((e) => url(e.url) && text(e.type) && text(e.title) && (e.length === undefined || e.length >= 0)) &&
    a.categories.every((c) => text(c.slug) && text(c.label)) &&
    a.tags.every(text) &&
    a.related.every((r) => url(r.url) && text(r.title)) &&
    text(a.source.name) &&
    url(a.source.siteUrl)
  );
}

/** A copy of `a` without what could not be rendered, each repair named in `repairs`. */
function repaired(a: Article, repairs: string[]): Article {
  const text = (value: string, field: string): string => {
    if (!XML_FORBIDDEN.test(value)) return value;
    repairs.push(`${field}: characters XML cannot carry removed`);
    return value.replace(XML_FORBIDDEN_ALL, '');
  };
  const optionalText = (value: string | undefined, field: string) => (value === undefined ? undefined : text(value, field));
  const url = (value: string | undefined, field: string): string | undefined => {
    if (value === undefined || isHttpUrl(value)) return value;
    repairs.push(`${field}: not an absolute http(s) URL, left out`);
    return undefined;
  };

  const title = text(a.title, 'title');
  const summary = text(a.summary, 'summary');
  const contentHtml = text(a.contentHtml, 'content_html');
  const author = optionalText(a.author, 'author');
  const rights = optionalText(a.rights, 'rights');
  const language = optionalText(a.language, 'language');
  const imageUrl = url(a.image?.url, 'image');
  const image = a.image && imageUrl !== undefined ? { ...a.image, caption: optionalText(a.image.caption, 'image caption'), credit: optionalText(a.image.credit, 'image credit') } : undefined;
  const enclosures = (a.enclosures ?? [])
    .filter((e) => url(e.url, 'enclosure') !== undefined)
    .map((e) => ({
      ...e,
      type: text(e.type, 'enclosure type'),
      title: optionalText(e.title, 'enclosure title'),
      length: e.length === undefined || e.length >= 0 ? e.length : undefined,
    }));
  const categories = a.categories.map((c) => ({ slug: text(c.slug, 'category'), label: text(c.label, 'category') }));
  const tags = a.tags.map((t) => text(t, 'tag'));
  const related = a.related.filter((r) => url(r.url, 'related link') !== undefined).map((r) => ({ ...r, title: text(r.title, 'related title') }));
  const source = { ...a.source, name: text(a.source.name, 'source name'), siteUrl: url(a.source.siteUrl, 'source site') };
  return { ...a, title, summary, contentHtml, author, rights, language, image, enclosures, categories, tags, related, source };
}
